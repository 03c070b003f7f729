/**
 * Activation-range calibration: run the float model over a calibration set and choose, for the
 * input and every layer output, the range [min, max] its uint8 grid will cover.
 *
 * - 'minmax': the smallest and largest value seen.
 * - 'percentile' (p, default 99.99): the (100 − p)-th and p-th percentiles of all values seen, so
 *   rare outliers are clipped instead of stretching the grid for everyone.
 * - 'mse': the range [α·min, α·max] (α ∈ {1, 0.99, …, 0.01}) that minimizes the expected squared
 *   error of uint8 fake-quantization over the values seen: Δ²/12 for a value inside the range
 *   (Δ = its step), (x − clip(x))² for one outside.
 *
 * Percentile and MSE read a 2048-bin histogram per layer over its min/max (a second pass), so
 * their ranges are exact to 1/2048 of the min/max range.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { forEachBatch, sliceRows } from '../../metrics/batches';
import { walkModel } from './layer-walk';

export type CalibrationMethod = 'minmax' | 'percentile' | 'mse';
export interface ActivationRange { min: number; max: number }

export const DEFAULT_PERCENTILE = 99.99;
export const CALIBRATION_BATCH = 128;
const BINS = 2048;
const MSE_STEPS = 100;

export interface CalibrateOptions {
  method: CalibrationMethod;
  percentile?: number;
  signal?: AbortSignal;
  onBatch?: (done: number, total: number) => void;
}

/** Per layer output name (input layer included): the uint8 range. `xs` is already model-shaped. */
export async function calibrateActivations(model: LayersModel, xs: tf.Tensor, opts: CalibrateOptions): Promise<Map<string, ActivationRange>> {
  const count = xs.shape[0];
  const passes = opts.method === 'minmax' ? 1 : 2;
  const total = passes * Math.ceil(count / CALIBRATION_BATCH);
  let done = 0;
  const ranges = new Map<string, ActivationRange>();
  await forEachBatch(count, CALIBRATION_BATCH, opts.signal, async (start, size) => {
    const names: string[] = [];
    const stats = tf.tidy(() => {
      const parts: tf.Tensor[] = [];
      walkModel(model, sliceRows(xs, start, size), (name, y) => {
        names.push(name);
        parts.push(tf.min(y), tf.max(y));
        return y;
      });
      return tf.stack(parts);
    });
    const v = await stats.data();
    stats.dispose();
    names.forEach((name, i) => {
      const r = ranges.get(name);
      ranges.set(name, { min: Math.min(r?.min ?? Infinity, v[2 * i]), max: Math.max(r?.max ?? -Infinity, v[2 * i + 1]) });
    });
    opts.onBatch?.(++done, total);
  });
  if (opts.method === 'minmax') return ranges;

  const histograms = new Map([...ranges.keys()].map((name) => [name, new Float64Array(BINS)]));
  await forEachBatch(count, CALIBRATION_BATCH, opts.signal, async (start, size) => {
    const names: string[] = [];
    const outputs = tf.tidy(() => {
      const kept: tf.Tensor[] = [];
      walkModel(model, sliceRows(xs, start, size), (name, y) => {
        names.push(name);
        kept.push(y);
        return y;
      });
      return kept;
    });
    try {
      for (let i = 0; i < names.length; i++) addToHistogram(histograms.get(names[i])!, ranges.get(names[i])!, await outputs[i].data());
    } finally {
      tf.dispose(outputs);
    }
    opts.onBatch?.(++done, total);
  });
  const out = new Map<string, ActivationRange>();
  for (const [name, r] of ranges) {
    const h = histograms.get(name)!;
    out.set(name, opts.method === 'percentile' ? percentileRange(h, r, opts.percentile ?? DEFAULT_PERCENTILE) : mseRange(h, r));
  }
  return out;
}

function addToHistogram(h: Float64Array, r: ActivationRange, values: ArrayLike<number>): void {
  const width = r.max - r.min;
  if (!(width > 0)) {
    h[0] += values.length;
    return;
  }
  const k = BINS / width;
  for (let i = 0; i < values.length; i++) {
    const b = Math.floor((values[i] - r.min) * k);
    h[b < 0 ? 0 : b >= BINS ? BINS - 1 : b]++;
  }
}

const binCenter = (r: ActivationRange, b: number) => r.min + ((b + 0.5) * (r.max - r.min)) / BINS;

export function percentileRange(h: Float64Array, r: ActivationRange, p: number): ActivationRange {
  const n = h.reduce((a, b) => a + b, 0);
  if (!(r.max > r.min) || n === 0) return r;
  const edge = (b: number) => r.min + (b * (r.max - r.min)) / BINS;
  const lowCount = (n * (100 - p)) / 100;
  let cum = 0;
  let lo = r.min;
  for (let b = 0; b < BINS; b++) {
    if (cum + h[b] > lowCount) { lo = edge(b); break; }
    cum += h[b];
  }
  cum = 0;
  let hi = r.max;
  for (let b = BINS - 1; b >= 0; b--) {
    if (cum + h[b] > lowCount) { hi = edge(b + 1); break; }
    cum += h[b];
  }
  return { min: lo, max: hi };
}

export function mseRange(h: Float64Array, r: ActivationRange): ActivationRange {
  const lo0 = Math.min(0, r.min);
  const hi0 = Math.max(0, r.max);
  if (!(hi0 > lo0)) return r;
  let best = { alpha: 1, err: Infinity };
  for (let s = 0; s < MSE_STEPS; s++) {
    const alpha = 1 - s / MSE_STEPS;
    const lo = alpha * lo0;
    const hi = alpha * hi0;
    const step = (hi - lo) / 255;
    let err = 0;
    for (let b = 0; b < BINS; b++) {
      if (h[b] === 0) continue;
      const c = binCenter(r, b);
      const clipped = c < lo ? lo : c > hi ? hi : c;
      err += h[b] * (c === clipped ? (step * step) / 12 : (c - clipped) ** 2);
    }
    if (err < best.err) best = { alpha, err };
  }
  return { min: best.alpha * r.min, max: best.alpha * r.max };
}
