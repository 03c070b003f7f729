/**
 * The prune technique's entry point: validate, then dispatch by method and model format.
 * LayersModels get every method; GraphModels (inference-only) one-shot magnitude pruning only.
 */
import { BonsaiError } from '../../errors';
import { throwIfAborted } from '../../runtime/yield';
import type { MethodRun } from '../types';
import { pruneAuto } from './auto';
import { pruneGraph } from './graph';
import { pruneMagnitude, pruneNM } from './layers';
import { validatePruneConfig, type PruneConfig, type SensitivityConfig } from './meta';
import { pruneStructured } from './structured';

/** The methods that make a variant (the sensitivity scan is a report: technique.ts). */
export type VariantPruneConfig = Exclude<PruneConfig, SensitivityConfig>;

export const runPrune: MethodRun<VariantPruneConfig> = async (input, config, data, ctx) => {
  const cfg = validatePruneConfig(config);
  if (cfg.method === 'sensitivity') {
    throw new BonsaiError('BAD_CONFIG', "Error in prune: 'sensitivity' makes a report, not a model.", 'Run it through the Prune technique (its scan preset).');
  }
  throwIfAborted(ctx.signal);
  if (cfg.method === 'structured') return pruneStructured(input, cfg, data, ctx);
  if (input.format === 'graph') {
    if (cfg.method !== 'magnitude') {
      throw new BonsaiError('NOT_TRAINABLE', `Error in prune: method '${cfg.method}' needs a LayersModel; a GraphModel supports one-shot magnitude pruning only.`,
        "Choose magnitude pruning with schedule 'one-shot', or load the LayersModel version of this model.");
    }
    return pruneGraph(input, cfg, data, ctx);
  }
  switch (cfg.method) {
    case 'magnitude':
      return pruneMagnitude(input, cfg, data, ctx);
    case 'nm':
      return pruneNM(input, cfg, data, ctx);
    case 'auto':
      return pruneAuto(input, cfg, data, ctx);
  }
};
