/** The quantize plug-in: weight methods make a variant; int8 simulation is a report. */
import { reportOutput, variantOutput, type Technique } from '../types';
import { QUANTIZE_META, validateQuantizeConfig, type QuantizeConfig } from './meta';
import { runQuantize } from './run';
import { runSimulate } from './simulate-run';

export const QUANTIZE: Technique<QuantizeConfig> = {
  meta: QUANTIZE_META,
  async run(ctx, config) {
    const cfg = validateQuantizeConfig(config);
    if (cfg.method === 'simulate') return reportOutput(await runSimulate(ctx.input, cfg, ctx.data, ctx));
    return variantOutput(await runQuantize(ctx.input, cfg, ctx.data, ctx));
  },
};
