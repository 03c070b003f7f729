/** Post-training weight quantization: float16 / uint16 / uint8 per tensor, chosen per layer. */
import type { LoadedModel } from '../../model/loaded';
import type { VariantOutput } from '../types';
import { quantizeFiles, type WeightPlan } from './encode';
import { matchOverride } from './match';
import { validateQuantizeConfig, type PtqConfig } from './meta';
import { perLayerRows, weightNotes } from './report';
import { layerOfWeight } from './weights';

export function ptqPlan(format: LoadedModel['format'], config: PtqConfig): WeightPlan {
  return (name) => matchOverride(config.perLayer, name, layerOfWeight(format, name)) ?? config.default;
}

export async function runPTQ(input: LoadedModel, config: PtqConfig): Promise<VariantOutput> {
  validateQuantizeConfig(config);
  const q = quantizeFiles(input.prepared, ptqPlan(input.format, config));
  const overrides = Object.keys(config.perLayer ?? {}).length;
  return {
    files: q.files,
    name: `${config.default} weights${overrides > 0 ? ` (+${overrides} override${overrides === 1 ? '' : 's'})` : ''}`,
    step: `post-training weight quantization to ${config.default} (per tensor${config.default.startsWith('uint') ? ', affine, zero exact' : ''})${overrides > 0 ? `, ${overrides} per-layer override${overrides === 1 ? '' : 's'}` : ''}`,
    perLayer: perLayerRows(q.perWeight),
    notes: weightNotes(q),
  };
}
