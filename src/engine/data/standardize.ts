/**
 * Feature standardisation (z = (x − mean) / std) with statistics from the train split only: the
 * test split must not leak into what the model is fed, so its rows are scaled by the train mean
 * and std like any future example. Pure arithmetic on row-major Float32Arrays.
 */

export interface FeatureStats {
  mean: number[];
  /** Population standard deviation; 1 for a constant feature (so it becomes 0, not NaN). */
  std: number[];
}

/** Mean and std of each of `width` features over `rows` (indices into the row-major `features`). */
export function featureStats(features: Float32Array, width: number, rows: readonly number[]): FeatureStats {
  const mean = new Array<number>(width).fill(0);
  const m2 = new Array<number>(width).fill(0);
  // Welford's update: stable for large values with small spread (e.g. timestamps).
  rows.forEach((r, k) => {
    for (let j = 0; j < width; j++) {
      const x = features[r * width + j];
      const d = x - mean[j];
      mean[j] += d / (k + 1);
      m2[j] += d * (x - mean[j]);
    }
  });
  const std = m2.map((s) => {
    const sd = rows.length > 0 ? Math.sqrt(s / rows.length) : 0;
    return sd > 1e-12 ? sd : 1;
  });
  return { mean, std };
}

/** The given rows, standardised with `stats`, as a new row-major array in that order. */
export function standardizeRows(features: Float32Array, width: number, rows: readonly number[], stats: FeatureStats): Float32Array {
  const out = new Float32Array(rows.length * width);
  rows.forEach((r, k) => {
    for (let j = 0; j < width; j++) out[k * width + j] = (features[r * width + j] - stats.mean[j]) / stats.std[j];
  });
  return out;
}
