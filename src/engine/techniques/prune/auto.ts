/**
 * 'auto': scan per-layer sensitivity, pick per-layer ratios for the target, then prune.
 * An accuracy budget picks unstructured sparsities (one-shot at the chosen ratios, then the
 * optional fine-tune); a FLOPs target picks structured ratios and hands them to pruneStructured.
 */
import { layersModelFlops } from '../../metrics/flops';
import type { LoadedModel } from '../../model/loaded';
import type { LayerReportRow, TechniqueContext, TechniqueData, VariantOutput } from '../types';
import { pruneMagnitude } from './layers';
import { SENSITIVITY_RATIOS, type AutoPruneConfig } from './meta';
import { percent } from './report';
import { autoRatios, sensitivityScan, type SensitivityRow } from './sensitivity';
import { pruneStructured } from './structured';

type LayersInput = Extract<LoadedModel, { format: 'layers' }>;

/** Adds the scan to the per-layer rows: one column per probed ratio, e.g. "scan 50%". */
function withScan(rows: LayerReportRow[], scan: SensitivityRow[], picked: Record<string, number>): LayerReportRow[] {
  const byLayer = new Map(rows.map((r) => [r.layer, { ...r }]));
  for (const s of scan) {
    const row = byLayer.get(s.layer) ?? { layer: s.layer };
    row[`scan ${percent(s.ratio)}`] = s.metric;
    row.chosenRatio = picked[s.layer] ?? 0;
    byLayer.set(s.layer, row);
  }
  return [...byLayer.values()];
}

export async function pruneAuto(input: LayersInput, cfg: AutoPruneConfig, data: TechniqueData, ctx: TechniqueContext): Promise<VariantOutput> {
  const structural = cfg.target.kind === 'flops-reduction';
  // The output layer's units are the classes: structured pruning never removes them, so a FLOPs
  // budget spent there would be spent on nothing.
  const scanSkip = structural ? [...(cfg.skip ?? []), ...input.model.outputLayers.map((l) => l.name)] : cfg.skip;
  const scan = await sensitivityScan(input, data, {
    ratios: cfg.ratios ?? SENSITIVITY_RATIOS, signal: ctx.signal, progress: ctx.progress,
    method: structural ? 'filters' : 'magnitude', skip: scanSkip, minLayerParams: cfg.minLayerParams,
  });
  const baseline = scan.find((r) => r.ratio === 0)?.metric ?? 0;
  const metricName = scan[0]?.metricName ?? 'accuracy';
  const flops = Object.fromEntries(layersModelFlops(input.model).layers.map((l) => [l.name, l.flops ?? 0]));
  const pick = autoRatios(scan, baseline, cfg.target, flops);
  const perLayer = Object.fromEntries(Object.entries(pick.perLayer).filter(([, r]) => r > 0));

  const result = structural
    ? await pruneStructured(input, { method: 'structured', ratio: 0, norm: 'l1', perLayer, skip: cfg.skip, fineTune: cfg.fineTune }, data, ctx)
    : await pruneMagnitude(input, { method: 'magnitude', sparsity: 0, schedule: 'one-shot', scope: 'per-layer', perLayer, skip: cfg.skip, minLayerParams: cfg.minLayerParams, fineTune: cfg.fineTune }, data, ctx);

  const targetText = cfg.target.kind === 'accuracy-drop'
    ? `within ${cfg.target.points} pt of ${metricName}`
    : `${percent(cfg.target.fraction)} fewer FLOPs`;
  const notes = [
    `Sensitivity scan on ${metricName} (baseline ${percent(baseline)}), ${Object.keys(pick.perLayer).length} layers × ${(cfg.ratios ?? SENSITIVITY_RATIOS).length} ratios, no fine-tuning; predicted drop before fine-tuning ${pick.predictedDropPoints.toFixed(2)} pt (single-layer drops summed).`,
    ...result.notes,
  ];
  if (structural) notes.push(`Chosen ratios remove ≈${percent(pick.flopsRemovedFraction)} of FLOPs (own layers only; consumers' savings come on top).`);
  if (!pick.reached) notes.push(`The target (${targetText}) was not reached with the scanned ratios: the largest ratios scanned were taken.`);
  return {
    ...result,
    name: `auto ${structural ? 'slim' : 'sparse'} (${targetText})`,
    step: `auto: per-layer ${structural ? 'structured ratios' : 'sparsities'} from a sensitivity scan, ${targetText}${cfg.fineTune && result.history ? `, ${cfg.fineTune.epochs} epoch${cfg.fineTune.epochs > 1 ? 's' : ''} fine-tune` : ''}`,
    perLayer: withScan(result.perLayer, scan, pick.perLayer),
    notes,
  };
}
