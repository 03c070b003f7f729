/**
 * Per-layer sensitivity: prune one layer at a time at several ratios, without fine-tuning, and
 * measure the model on the validation split — accuracy when it has labels, otherwise fidelity
 * (top-1 agreement with the unpruned model). Probes run on a clone whose weights are restored
 * after each one; the input model is never touched. `autoRatios` turns a scan into per-layer ratios.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { DatasetSplit } from '../../data/types';
import { BonsaiError } from '../../errors';
import { evaluateAccuracy } from '../../metrics/accuracy';
import { sliceRows } from '../../metrics/batches';
import { evaluateFidelity } from '../../metrics/fidelity';
import type { LoadedModel } from '../../model/loaded';
import { cloneLayersModel } from '../../model/serialize';
import { checkpoint } from '../../runtime/yield';
import type { TechniqueContext, TechniqueData } from '../types';
import { magnitudeMasks } from './magnitude';
import { applyMasks, disposeMasks, prunableWeights, type PrunableWeight } from './masks';
import type { AutoTarget } from './meta';

export interface SensitivityRow {
  layer: string;
  /** Fraction pruned in this layer alone; 0 is the unpruned model (the same for every layer). */
  ratio: number;
  /** In [0, 1]. */
  metric: number;
  metricName: 'accuracy' | 'fidelity';
}

export interface ScanOptions {
  ratios: readonly number[];
  signal?: AbortSignal;
  progress?: TechniqueContext['progress'];
  /**
   * 'magnitude' zeroes the layer's smallest weights (unstructured); 'filters' zeroes its
   * lowest-L1 output units, kernel slice and bias — a stand-in for removing them structurally
   * (exact for units followed by ReLU and no BatchNorm).
   */
  method?: 'magnitude' | 'filters';
  skip?: string[];
  minLayerParams?: number;
  /** Validation examples used per probe (default 1,000): the scan runs layers × ratios of them. */
  maxExamples?: number;
}

export const DEFAULT_SCAN_EXAMPLES = 1000;

/** The split a scan measures on: validation, else training; a BonsaiError when neither is loaded. */
export function scanSplit(data: TechniqueData): DatasetSplit {
  const split = data.validation ?? data.train;
  if (split && split.count > 0) return split;
  throw new BonsaiError('NO_TRAINING_DATA', 'Error in sensitivityScan: the scan measures each pruned layer on data, and no dataset split is loaded.',
    'Load a dataset (labels give accuracy; unlabeled data gives fidelity to the original).');
}

/** Keep-masks zeroing the round(r·units) output units of smallest L1 norm (last kernel axis). */
async function filterMasks(w: PrunableWeight, ratio: number): Promise<{ kernel: tf.Tensor; bias: tf.Tensor | null }> {
  const units = w.shape[w.shape.length - 1];
  const drop = Math.min(units - 1, Math.round(ratio * units));
  const norms = tf.tidy(() => tf.sum(tf.abs(tf.reshape(w.weight.read(), [-1, units])), 0));
  const values = await norms.data();
  norms.dispose();
  const order = Array.from(values.keys()).sort((a, b) => values[a] - values[b] || a - b);
  const keepUnit = new Uint8Array(units).fill(1);
  for (const u of order.slice(0, drop)) keepUnit[u] = 0;
  const unitMask = tf.tensor1d(keepUnit, 'bool');
  const kernel = tf.tidy(() => tf.broadcastTo(unitMask, w.shape));
  if (w.bias) return { kernel, bias: unitMask };
  unitMask.dispose();
  return { kernel, bias: null };
}

export async function sensitivityScan(input: LoadedModel, data: TechniqueData, opts: ScanOptions): Promise<SensitivityRow[]> {
  if (input.format !== 'layers') {
    throw new BonsaiError('BAD_CONFIG', 'Error in sensitivityScan: a GraphModel has no layers to probe one at a time.', 'Scan the LayersModel version of the model.');
  }
  const full = scanSplit(data);
  const count = Math.min(full.count, opts.maxExamples ?? DEFAULT_SCAN_EXAMPLES);
  const split: DatasetSplit = { xs: sliceRows(full.xs, 0, count), ys: full.ys ? sliceRows(full.ys, 0, count) : null, count };
  const metricName = split.ys ? 'accuracy' : 'fidelity';
  const model = await cloneLayersModel(input.model);
  const probe: LoadedModel = { format: 'layers', model, prepared: input.prepared };
  const measure = async () =>
    split.ys ? (await evaluateAccuracy(probe, split, { signal: opts.signal })).accuracy : (await evaluateFidelity(input, probe, split.xs, { signal: opts.signal })).agreement;
  try {
    const selection = prunableWeights(model, { skip: opts.skip, minLayerParams: opts.minLayerParams, requireInputAxis: opts.method === 'filters' });
    const layers = [...new Set(selection.weights.map((w) => w.layer))];
    const ratios = [...opts.ratios].filter((r) => r > 0).sort((a, b) => a - b);
    const total = 1 + layers.length * ratios.length;
    let done = 0;
    const baseline = await measure();
    opts.progress?.('sensitivity', ++done, total);
    const rows: SensitivityRow[] = [];
    for (const layer of layers) {
      const weights = selection.weights.filter((w) => w.layer === layer);
      rows.push({ layer, ratio: 0, metric: baseline, metricName });
      for (const ratio of ratios) {
        await checkpoint(opts.signal);
        const metric = await probeLayer(model, weights, ratio, opts.method ?? 'magnitude', measure);
        rows.push({ layer, ratio, metric, metricName });
        opts.progress?.('sensitivity', ++done, total, { series: layer, x: ratio, y: metric });
      }
    }
    return rows;
  } finally {
    model.dispose();
    split.xs.dispose();
    split.ys?.dispose();
  }
}

/** Prune one layer's weights, measure, and write the saved values back (also on failure). */
async function probeLayer(
  model: LayersModel,
  weights: PrunableWeight[],
  ratio: number,
  method: 'magnitude' | 'filters',
  measure: () => Promise<number>,
): Promise<number> {
  const touched = weights.flatMap((w) => (method === 'filters' && w.bias ? [w.weight, w.bias] : [w.weight]));
  const saved = touched.map((v) => v.read().clone());
  const masks = new Map<string, tf.Tensor>();
  try {
    if (method === 'magnitude') {
      for (const [k, v] of await magnitudeMasks(weights, { scope: 'per-layer', sparsity: ratio })) masks.set(k, v);
    } else {
      for (const w of weights) {
        const m = await filterMasks(w, ratio);
        masks.set(w.weight.name, m.kernel);
        if (w.bias && m.bias) masks.set(w.bias.name, m.bias);
      }
    }
    applyMasks(model, masks);
    return await measure();
  } finally {
    touched.forEach((v, i) => v.write(saved[i]));
    tf.dispose(saved);
    disposeMasks(masks);
  }
}

export interface AutoPick {
  /** Layer → ratio; 0 leaves a layer as it is. */
  perLayer: Record<string, number>;
  /** Sum of the measured single-layer drops at the chosen ratios, in percentage points. */
  predictedDropPoints: number;
  /** Share of the model's FLOPs the chosen structured ratios remove (own-layer FLOPs only). */
  flopsRemovedFraction: number;
  /** false when no choice within the scan meets the target. */
  reached: boolean;
}

/**
 * Per-layer ratios from a scan.
 * - accuracy-drop: the budget is split evenly over the scanned layers (drops are treated as
 *   additive); each layer gets the largest ratio whose measured drop, and that of every smaller
 *   ratio, stays within its share.
 * - flops-reduction (structured pruning only — unstructured zeros remove no FLOPs in TF.js):
 *   greedily raise the ratio of the layer with the smallest drop per FLOP removed until the
 *   fraction is met. Removing r of a layer's units counts r of that layer's FLOPs; the FLOPs its
 *   consumers save on their inputs come on top, so the real reduction is at least this.
 * `flopsByLayer` holds every layer's FLOPs (its sum is the model's total).
 */
export function autoRatios(scan: SensitivityRow[], baseline: number, target: AutoTarget, flopsByLayer: Record<string, number>): AutoPick {
  const byLayer = new Map<string, { ratio: number; drop: number }[]>();
  for (const r of scan) {
    if (r.ratio <= 0) continue;
    byLayer.set(r.layer, [...(byLayer.get(r.layer) ?? []), { ratio: r.ratio, drop: Math.max(0, (baseline - r.metric) * 100) }]);
  }
  for (const probes of byLayer.values()) probes.sort((a, b) => a.ratio - b.ratio);
  const totalFlops = Object.values(flopsByLayer).reduce((a, b) => a + b, 0);
  const chosen = new Map<string, { ratio: number; drop: number }>([...byLayer.keys()].map((l) => [l, { ratio: 0, drop: 0 }]));
  const summary = (reached: boolean): AutoPick => {
    const perLayer = Object.fromEntries([...chosen].map(([l, c]) => [l, c.ratio]));
    const removed = [...chosen].reduce((s, [l, c]) => s + c.ratio * (flopsByLayer[l] ?? 0), 0);
    return {
      perLayer,
      predictedDropPoints: [...chosen.values()].reduce((s, c) => s + c.drop, 0),
      flopsRemovedFraction: totalFlops > 0 ? removed / totalFlops : 0,
      reached,
    };
  };

  if (target.kind === 'accuracy-drop') {
    const share = byLayer.size > 0 ? target.points / byLayer.size : 0;
    for (const [layer, probes] of byLayer) {
      for (const p of probes) {
        if (p.drop > share + 1e-9) break; // tolerance: 0.9 − 0.895 is not exactly 0.005 in floating point
        chosen.set(layer, p);
      }
    }
    return summary(true);
  }

  const goal = target.fraction * totalFlops;
  let removed = 0;
  while (removed < goal) {
    let best: { layer: string; next: { ratio: number; drop: number }; cost: number; gain: number } | null = null;
    for (const [layer, probes] of byLayer) {
      const cur = chosen.get(layer)!;
      const next = probes.find((p) => p.ratio > cur.ratio);
      const gain = next ? (next.ratio - cur.ratio) * (flopsByLayer[layer] ?? 0) : 0;
      if (!next || gain <= 0) continue;
      const cost = Math.max(0, next.drop - cur.drop) / gain;
      if (!best || cost < best.cost || (cost === best.cost && gain > best.gain)) best = { layer, next, cost, gain };
    }
    if (!best) return summary(false);
    chosen.set(best.layer, best.next);
    removed += best.gain;
  }
  return summary(true);
}
