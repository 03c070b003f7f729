/** The per-layer table and the words of a prune result. */
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { BonsaiError } from '../../errors';
import type { LayerReportRow } from '../types';
import { countZeros, prunableWeights, type PrunableSelection } from './masks';

/** Stock TF.js multiplies zeros like any other number. */
export const SPARSE_LATENCY_NOTE = 'Stock TF.js has no sparse kernels: latency ≈ unchanged; the win is gzip size (what a web user downloads).';

/** One row per layer that owns a prunable kernel: {layer, params, zeros, sparsity, status}. */
export async function sparsityRows(model: LayersModel, selection: PrunableSelection): Promise<LayerReportRow[]> {
  const skipped = new Map(selection.skipped.map((s) => [s.layer, s.reason]));
  // Every prunable kernel, skipped layers included, so the table shows the whole model.
  const all = prunableWeights(model, { minLayerParams: 0 }).weights;
  const rows = new Map<string, { params: number; zeros: number }>();
  for (const w of all) {
    const r = rows.get(w.layer) ?? { params: 0, zeros: 0 };
    r.params += w.size;
    r.zeros += countZeros(await w.weight.read().data());
    rows.set(w.layer, r);
  }
  return [...rows].map(([layer, r]) => ({
    layer,
    params: r.params,
    zeros: r.zeros,
    sparsity: r.params > 0 ? r.zeros / r.params : 0,
    status: skipped.has(layer) ? `skipped: ${skipped.get(layer)}` : 'pruned',
  }));
}

export function percent(x: number): string {
  return `${Math.round(x * 1000) / 10}%`;
}

export function skippedNote(selection: PrunableSelection): string | null {
  if (selection.skipped.length === 0) return null;
  return `Left dense: ${selection.skipped.map((s) => `${s.layer} (${s.reason})`).join(', ')}.`;
}

/** Names in perLayer/skip must be layers the model has: a typo would silently prune nothing. */
export function checkLayerNames(model: LayersModel, field: string, names: string[]): void {
  const known = prunableWeights(model, { minLayerParams: 0 }).weights.map((w) => w.layer);
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length > 0) {
    throw new BonsaiError('BAD_CONFIG', `Error in prune settings: ${field} names ${unknown.map((n) => `'${n}'`).join(', ')}, which ${unknown.length > 1 ? 'are not prunable layers' : 'is not a prunable layer'} of this model.`,
      `Prunable layers: ${[...new Set(known)].join(', ') || 'none'}.`);
  }
}
