/** Weight clustering (k-means on the uint8 grid), optionally with centroid fine-tuning. */
import type { LoadedModel } from '../../model/loaded';
import type { TechniqueContext, TechniqueData, VariantOutput } from '../types';
import { fineTuneClusters } from './cluster-finetune';
import { quantizeFiles, type WeightPlan } from './encode';
import { matchOverride } from './match';
import { validateQuantizeConfig, type ClusterConfig } from './meta';
import { perLayerRows, weightNotes } from './report';
import { orderUnitsForGzip } from './unit-order';
import { layerOfWeight } from './weights';

export function clusterPlan(format: LoadedModel['format'], config: ClusterConfig): WeightPlan {
  return (name) => ({ clusters: matchOverride(config.perLayer, name, layerOfWeight(format, name)) ?? config.k });
}

export async function runCluster(input: LoadedModel, config: ClusterConfig, data: TechniqueData, ctx: TechniqueContext): Promise<VariantOutput> {
  validateQuantizeConfig(config);
  const plan = clusterPlan(input.format, config);
  const tuned = config.fineTune ? await fineTuneClusters(input, plan, config.fineTune, data, ctx) : null;
  const q = tuned ? tuned.quantized : quantizeFiles(input.prepared, plan);
  const bits = Math.log2(config.k);
  const notes = weightNotes(q);
  notes.push(`Each tensor holds at most ${config.k} distinct values stored as uint8 codes: the raw file is uint8-sized; gzip brings it towards ${bits.toFixed(bits % 1 ? 1 : 0)} bits a weight.`);
  if (tuned) notes.push('Centroids were fine-tuned with the cluster assignments fixed (straight-through gradients), then snapped to the uint8 grid again.');
  const files = input.format === 'layers' ? orderUnitsForGzip(q.files, input.model, notes) : q.files;
  return {
    files,
    name: `${config.k} clusters${tuned ? ' · fine-tuned' : ''}`,
    step: `k-means weight clustering, k = ${config.k} per tensor, centroids on the uint8 grid${tuned ? `, ${config.fineTune!.epochs} epoch${config.fineTune!.epochs === 1 ? '' : 's'} centroid fine-tune` : ''}`,
    perLayer: perLayerRows(q.perWeight).map((row) => ({
      ...row,
      distinct: Math.max(0, ...q.perWeight.filter((r) => (r.layer ?? r.name) === row.layer).map((r) => r.distinct ?? 0)),
    })),
    notes,
    ...(tuned ? { history: tuned.history } : {}),
  };
}
