/**
 * The worker's entry for every quantization method. Weight storage methods (ptq, cluster, auto)
 * are this folder's encoder; equalize, simulate and qat live in equalize.ts, simulate.ts, qat.ts.
 */
import type { MethodRun } from '../types';
import { runAuto } from './auto';
import { runCluster } from './cluster-run';
import { runEqualize } from './equalize';
import type { QuantizeConfig, SimulateConfig } from './meta';
import { runPTQ } from './ptq';
import { runQAT } from './qat';

/** The methods that make a variant (int8 simulation is a report: technique.ts). */
export type VariantQuantizeConfig = Exclude<QuantizeConfig, SimulateConfig>;

export const runQuantize: MethodRun<VariantQuantizeConfig> = async (input, config, data, ctx) => {
  switch (config.method) {
    case 'ptq':
      return runPTQ(input, config);
    case 'cluster':
      return runCluster(input, config, data, ctx);
    case 'auto':
      return runAuto(input, config, data, ctx);
    case 'equalize':
      return runEqualize(input, config, data, ctx);
    case 'qat':
      return runQAT(input, config, data, ctx);
  }
};
