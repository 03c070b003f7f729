/**
 * Spearman's rank correlation: Pearson's correlation of the ranks (ties get their mean rank).
 * Used to say how well a latency predictor (or FLOPs) orders models the way this device does.
 */

/** 1-based ranks; tied values share the mean of the ranks they span. */
export function ranks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const r = new Array<number>(values.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    const mean = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) r[order[k][1]] = mean;
    i = j + 1;
  }
  return r;
}

function pearson(a: readonly number[], b: readonly number[]): number | null {
  const n = a.length;
  const ma = a.reduce((s, x) => s + x, 0) / n;
  const mb = b.reduce((s, x) => s + x, 0) / n;
  let cov = 0;
  let va = 0;
  let vb = 0;
  for (let i = 0; i < n; i++) {
    cov += (a[i] - ma) * (b[i] - mb);
    va += (a[i] - ma) ** 2;
    vb += (b[i] - mb) ** 2;
  }
  return va === 0 || vb === 0 ? null : cov / Math.sqrt(va * vb);
}

/**
 * Spearman's ρ of two paired lists, or null when it is undefined (fewer than 3 pairs, or one list
 * constant) — never a made-up 0.
 */
export function spearman(a: readonly number[], b: readonly number[]): number | null {
  if (a.length !== b.length) throw new Error(`Error in spearman: the lists differ in length (${a.length} vs ${b.length}).`);
  if (a.length < 3) return null;
  if (a.some((x) => !Number.isFinite(x)) || b.some((x) => !Number.isFinite(x))) throw new Error('Error in spearman: values must be finite.');
  return pearson(ranks(a), ranks(b));
}
