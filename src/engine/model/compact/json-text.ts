/**
 * JSON text with no whitespace and each number in its shortest exact form: the shorter of
 * JSON.stringify's and the exponent form ("1e-3" for 0.001, "1.5e-7"), kept only when it parses
 * back to the very same double. Otherwise exactly JSON.stringify (undefined/function keys skipped,
 * non-finite numbers written as null).
 */

export function shortestNumberText(n: number): string {
  if (!Number.isFinite(n)) return 'null';
  const plain = JSON.stringify(n);
  const exponent = n.toExponential().replace('e+', 'e');
  return exponent.length < plain.length && Number(exponent) === n ? exponent : plain;
}

const skipped = (v: unknown) => v === undefined || typeof v === 'function' || typeof v === 'symbol';

export function compactJsonText(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'number') return shortestNumberText(value);
  if (typeof value !== 'object') return skipped(value) ? 'null' : JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => (skipped(v) ? 'null' : compactJsonText(v))).join(',')}]`;
  const parts: string[] = [];
  for (const [key, v] of Object.entries(value)) if (!skipped(v)) parts.push(`${JSON.stringify(key)}:${compactJsonText(v)}`);
  return `{${parts.join(',')}}`;
}
