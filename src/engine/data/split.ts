/**
 * Seeded shuffles and deterministic stratified train/test splits. No tf import: the same seed gives
 * the same split in every browser and in Node.
 */
import { mulberry32 } from '../runtime/random';

/** Default seed of dataset splits (DESIGN.md §4: deterministic seeded splits). */
export const DEFAULT_SPLIT_SEED = 42;

export { mulberry32 };

/** Fisher–Yates shuffle in place with the given random source. */
export function shuffleInPlace<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const tmp = items[i];
    items[i] = items[j];
    items[j] = tmp;
  }
  return items;
}

/** A shuffled copy of `items`; the same seed always gives the same order. */
export function seededShuffle<T>(items: readonly T[], seed: number): T[] {
  return shuffleInPlace(items.slice(), mulberry32(seed));
}

export interface SplitIndices {
  /** Indices into the input, in a seeded shuffled order (classes interleaved). */
  train: number[];
  test: number[];
}

/**
 * Split indices 0..n-1 into train and test, stratified by `labels` (one stratum per label value;
 * pass the same value, e.g. -1, for every item of an unlabeled set). Each stratum of n ≥ 2 items
 * sends round(n × testFraction) items to test, but at least 1 (when testFraction > 0) and at most
 * n − 1, so every class with two or more examples appears in both splits. A stratum of one item
 * goes to train. Deterministic in (labels, testFraction, seed).
 */
export function stratifiedSplit(labels: ArrayLike<number>, testFraction: number, seed: number): SplitIndices {
  if (!(testFraction >= 0 && testFraction < 1)) {
    throw new RangeError(`testFraction must be in [0, 1), got ${testFraction}.`);
  }
  const strata = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const list = strata.get(labels[i]);
    if (list) list.push(i);
    else strata.set(labels[i], [i]);
  }
  const random = mulberry32(seed);
  const train: number[] = [];
  const test: number[] = [];
  for (const key of [...strata.keys()].sort((a, b) => a - b)) {
    const members = shuffleInPlace(strata.get(key)!, random);
    const n = members.length;
    let nTest = 0;
    if (n >= 2 && testFraction > 0) nTest = Math.min(n - 1, Math.max(1, Math.round(n * testFraction)));
    test.push(...members.slice(0, nTest));
    train.push(...members.slice(nTest));
  }
  shuffleInPlace(train, random);
  shuffleInPlace(test, random);
  return { train, test };
}
