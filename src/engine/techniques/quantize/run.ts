/**
 * The worker's entry for every quantization method. Weight storage methods (ptq, cluster, auto)
 * are this folder's encoder; equalize, simulate and qat live in equalize.ts, simulate.ts, qat.ts.
 */
import type { TechniqueRun } from '../types';
import { runAuto } from './auto';
import { runCluster } from './cluster-run';
import { runEqualize } from './equalize';
import type { QuantizeConfig } from './meta';
import { runPTQ } from './ptq';
import { runQAT } from './qat';
import { runSimulate } from './simulate';

export const runQuantize: TechniqueRun<QuantizeConfig> = async (input, config, data, ctx) => {
  switch (config.method) {
    case 'ptq':
      return runPTQ(input, config);
    case 'cluster':
      return runCluster(input, config, data, ctx);
    case 'auto':
      return runAuto(input, config, data, ctx);
    case 'equalize':
      return runEqualize(input, config, data, ctx);
    case 'simulate':
      return runSimulate(input, config, data, ctx);
    case 'qat':
      return runQAT(input, config, data, ctx);
  }
};
