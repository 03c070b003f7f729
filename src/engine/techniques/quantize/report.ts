/** Shared report pieces of the weight-storage methods: per-layer rows and honest notes. */
import type { LayerReportRow } from '../types';
import type { PerWeightRow, QuantizedFiles } from './encode';
import { DEQUANTIZE_ON_LOAD_NOTE } from './meta';

/** One row per layer (LayersModels) or per weight (GraphModels): storage, bytes, worst error. */
export function perLayerRows(rows: PerWeightRow[]): LayerReportRow[] {
  const byLayer = new Map<string, { precisions: Set<string>; bytesBefore: number; bytesAfter: number; maxError: number }>();
  for (const r of rows) {
    const key = r.layer ?? r.name;
    const agg = byLayer.get(key) ?? { precisions: new Set<string>(), bytesBefore: 0, bytesAfter: 0, maxError: 0 };
    agg.precisions.add(r.to);
    agg.bytesBefore += r.bytesBefore;
    agg.bytesAfter += r.bytesAfter;
    agg.maxError = Math.max(agg.maxError, r.maxError);
    byLayer.set(key, agg);
  }
  return [...byLayer].map(([layer, a]) => ({
    layer,
    precision: [...a.precisions].join(' + '),
    bytesBefore: a.bytesBefore,
    bytesAfter: a.bytesAfter,
    maxError: a.maxError,
  }));
}

export function weightNotes(q: QuantizedFiles): string[] {
  const notes = [DEQUANTIZE_ON_LOAD_NOTE];
  const before = q.perWeight.reduce((n, r) => n + r.bytesBefore, 0);
  const after = q.perWeight.reduce((n, r) => n + r.bytesAfter, 0);
  if (before > 0) notes.push(`Weight bytes ${before.toLocaleString('en-US')} → ${after.toLocaleString('en-US')} (${((100 * after) / before).toFixed(1)}%).`);
  const decoded = q.perWeight.filter((r) => r.from !== 'float32' && r.to === 'float32');
  if (decoded.length > 0) notes.push(`Decoded to float32 (were stored quantized): ${decoded.map((r) => r.name).join(', ')}.`);
  if (q.skipped.length > 0) {
    const list = q.skipped.slice(0, 8).map((s) => `${s.name} (${s.reason})`).join('; ');
    notes.push(`Left as stored: ${list}${q.skipped.length > 8 ? ` and ${q.skipped.length - 8} more` : ''}.`);
  }
  return notes;
}
