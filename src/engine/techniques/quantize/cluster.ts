/**
 * Weight clustering (Deep Compression's weight sharing) stored as plain affine uint8, so stock
 * TF.js decodes it and gzip sees only k distinct bytes (≈ log2 k bits a weight).
 *
 * 1-D k-means on one tensor: k-means++ initialisation from a seeded generator, then Lloyd
 * iterations on the sorted values with prefix sums (each iteration O(k log n)), so the result is
 * deterministic. The centroids are then snapped to the tensor's own uint8 grid (the nudged grid
 * `quantizeTensorValues(values, 'uint8')` uses, on which 0 is exact) and every value goes to the
 * nearest snapped centroid. Snapping can merge centroids: the tensor ends with ≤ k distinct values.
 * When the tensor holds exact zeros (pruned weights), 0 is a pinned centroid, so zeros stay zeros.
 */
import { BonsaiError } from '../../errors';
import { affineGrid, codeOf, decodeCode, firstNonFinite, rangeOf, type EncodedValues } from './affine';
import { MAX_CLUSTERS, MIN_CLUSTERS } from './meta';
import { mulberry32 } from '../../runtime/random';

export interface ClusteredValues extends EncodedValues {
  /** Distinct values after snapping (≤ k). */
  distinct: number;
  /** Cluster index (0..distinct−1, in ascending value order) of every element. */
  assignments: Uint16Array;
  /** Decoded value of each cluster, ascending. */
  centroids: Float32Array;
}

export interface ClusterOptions {
  seed?: number;
  maxIterations?: number;
}


/** k-means++ seeds: each next centroid drawn with probability ∝ squared distance to the nearest. */
function kmeansPlusPlus(sorted: Float64Array, k: number, pinZero: boolean, random: () => number): number[] {
  const n = sorted.length;
  const centroids = [pinZero ? 0 : sorted[Math.floor(random() * n)]];
  const d2 = new Float64Array(n);
  for (let i = 0; i < n; i++) d2[i] = (sorted[i] - centroids[0]) ** 2;
  while (centroids.length < k) {
    let total = 0;
    for (let i = 0; i < n; i++) total += d2[i];
    if (total === 0) break; // fewer distinct values than k: every one is already a centroid
    let r = random() * total;
    let pick = n - 1;
    for (let i = 0; i < n; i++) {
      r -= d2[i];
      if (r < 0 && d2[i] > 0) {
        pick = i;
        break;
      }
    }
    const c = sorted[pick];
    centroids.push(c);
    for (let i = 0; i < n; i++) {
      const d = (sorted[i] - c) ** 2;
      if (d < d2[i]) d2[i] = d;
    }
  }
  return centroids;
}

/** First index i with sorted[i] > x. */
function upperBound(sorted: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Lloyd iterations on sorted values; the zero centroid (when pinned) never moves. */
function lloyd(sorted: Float64Array, initial: number[], pinZero: boolean, maxIterations: number): number[] {
  const n = sorted.length;
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i] + sorted[i];
  let c = [...new Set(initial)].sort((a, b) => a - b);
  for (let it = 0; it < maxIterations; it++) {
    const next = c.slice();
    let lo = 0;
    for (let j = 0; j < c.length; j++) {
      const hi = j === c.length - 1 ? n : upperBound(sorted, (c[j] + c[j + 1]) / 2);
      if (hi > lo && !(pinZero && c[j] === 0)) next[j] = (prefix[hi] - prefix[lo]) / (hi - lo);
      lo = hi;
    }
    const moved = next.some((v, j) => v !== c[j]);
    c = [...new Set(next)].sort((a, b) => a - b);
    if (!moved) break;
  }
  return c;
}

/**
 * Cluster a tensor's values into at most k values on its uint8 grid. Throws BAD_CONFIG for k
 * outside 2..256 or non-finite values.
 */
export function clusterTensorValues(values: Float32Array, k: number, opts: ClusterOptions = {}): ClusteredValues {
  if (!Number.isInteger(k) || k < MIN_CLUSTERS || k > MAX_CLUSTERS) {
    throw new BonsaiError('BAD_CONFIG', `Error in clusterTensorValues: k must be a whole number from ${MIN_CLUSTERS} to ${MAX_CLUSTERS}, got ${k}.`,
      'Clusters are stored as uint8 codes, so at most 256.');
  }
  const at = firstNonFinite(values);
  if (at >= 0) {
    throw new BonsaiError('BAD_CONFIG', `Error in clusterTensorValues: value ${at} is ${values[at]}; only finite values can be clustered.`,
      'Fix or retrain the model so every weight is a finite number.');
  }
  const { lo, hi } = rangeOf(values);
  const grid = affineGrid(lo, hi, 256);
  const sorted = Float64Array.from(values).sort();
  const pinZero = values.includes(0);
  const centroids = values.length === 0 ? [0]
    : lloyd(sorted, kmeansPlusPlus(sorted, k, pinZero, mulberry32(opts.seed ?? 1)), pinZero, opts.maxIterations ?? 100);

  // Snap to the grid; merged centroids collapse into one code.
  const codes = [...new Set(centroids.map((c) => (pinZero && c === 0 ? grid.zeroPoint : codeOf(c, grid))))].sort((a, b) => a - b);
  const decoded = Float32Array.from(codes, (q) => decodeCode(q, grid));

  const bytes = new Uint8Array(values.length);
  const assignments = new Uint16Array(values.length);
  const used = new Uint8Array(codes.length);
  let maxError = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    // Nearest decoded centroid: the upper neighbour of x or the one below it.
    let j = upperBound(decoded, x);
    if (j === decoded.length || (j > 0 && x - decoded[j - 1] <= decoded[j] - x)) j--;
    assignments[i] = j;
    bytes[i] = codes[j];
    used[j] = 1;
    const err = Math.abs(x - decoded[j]);
    if (err > maxError) maxError = err;
  }
  // Renumber so cluster indices cover only centroids that kept at least one value.
  const renumber = new Uint16Array(codes.length);
  let distinct = 0;
  for (let j = 0; j < codes.length; j++) if (used[j]) renumber[j] = distinct++;
  for (let i = 0; i < assignments.length; i++) assignments[i] = renumber[assignments[i]];
  return {
    bytes,
    quantization: { dtype: 'uint8', scale: grid.scale, min: grid.min },
    maxError,
    distinct,
    assignments,
    centroids: decoded.filter((_, j) => used[j] === 1),
  };
}
