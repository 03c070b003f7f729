/**
 * "Drop repeated blocks" for a scaled student, as plain data (no tf): a run of layers that is
 * immediately repeated with the same classes, settings and output shapes maps its input shape to
 * itself, so the copies can go and the model still fits together. The UI estimate (summary rows)
 * and the student builder (layer configs) both use it, each with its own notion of "same".
 */

/**
 * Indices of the items to drop: every window of k ≥ 1 items (holding at least one weighted item)
 * that repeats the window just before it, smallest k first. Items from `end` on (the classifier
 * and what follows it) are never dropped.
 */
export function repeatedBlockIndices<T>(
  items: readonly T[],
  same: (a: T, b: T) => boolean,
  weighted: (item: T) => boolean,
  end: number = items.length,
): number[] {
  const drop: number[] = [];
  const windowsEqual = (a: number, b: number, k: number) => {
    for (let j = 0; j < k; j++) if (!same(items[a + j], items[b + j])) return false;
    return true;
  };
  let i = 0;
  while (i < end) {
    let advanced = false;
    for (let k = 1; i + 2 * k <= end; k++) {
      if (!items.slice(i, i + k).some(weighted)) continue;
      let repeats = 0;
      while (i + (repeats + 2) * k <= end && windowsEqual(i, i + (repeats + 1) * k, k)) repeats++;
      if (repeats === 0) continue;
      for (let r = 1; r <= repeats; r++) for (let j = 0; j < k; j++) drop.push(i + r * k + j);
      i += (repeats + 1) * k;
      advanced = true;
      break;
    }
    if (!advanced) i++;
  }
  return drop;
}
