/** Seeded shuffles, independent of TF.js's global random state (so runs are reproducible). */

import { mulberry32 } from '../runtime/random';

export { mulberry32 };

/** A permutation of 0..n-1 (Fisher–Yates) determined by `seed` alone. */
export function seededPermutation(n: number, seed: number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const rand = mulberry32(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}

/** The shuffle seed of one epoch: distinct per epoch, stable per (seed, epoch). */
export function epochSeed(seed: number, epoch: number): number {
  return (Math.imul(seed >>> 0, 0x9e3779b1) + epoch) >>> 0;
}
