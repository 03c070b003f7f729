/** Number formatting shared by every view (units in the names, as everywhere else). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '—';
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 2 : 1)} ${units[i]}`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 2 });

/** An axis tick that fits a narrow axis: 3,400,000 → "3.4M" (a plain "3400000" lost its first digit). */
export function formatTick(n: number): string {
  return compact.format(n);
}

export function formatFlops(flops: number): string {
  if (flops >= 1e9) return `${(flops / 1e9).toFixed(2)} GFLOP`;
  if (flops >= 1e6) return `${(flops / 1e6).toFixed(2)} MFLOP`;
  if (flops >= 1e3) return `${(flops / 1e3).toFixed(1)} kFLOP`;
  return `${flops} FLOP`;
}

export function formatMs(ms: number): string {
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 1) return `${ms.toFixed(2)} ms`;
  return `${(ms * 1000).toFixed(0)} µs`;
}

export function formatShape(shape: number[]): string {
  return `[${shape.map((d) => (d < 0 ? '?' : d)).join(', ')}]`;
}

export function formatEta(startedAt: number, done: number, total: number, now: number): string {
  if (done <= 0 || total <= 0 || done >= total) return '';
  const elapsed = now - startedAt;
  const remaining = (elapsed / done) * (total - done);
  const s = Math.max(0, Math.round(remaining / 1000));
  return s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s left` : `${s} s left`;
}

/**
 * A size change read one way: "4.00× smaller" when the variant's number fits that many times in the
 * parent's, "1.44× larger" when it is that many times the parent's; '' when either is unknown.
 */
export function formatSizeChange(before: number | null, after: number | null): string {
  if (before === null || after === null || before <= 0 || after <= 0) return '';
  const r = before / after;
  if (Math.abs(r - 1) < 0.005) return 'same';
  return r > 1 ? `${r.toFixed(2)}× smaller` : `${(1 / r).toFixed(2)}× larger`;
}
