/**
 * What a 0–1 fraction field means, in words: 0.9 → "90% of the prunable weights set to zero". Presets are
 * named in percent ("Gradual 90%") while the field takes 0.9, so a value typed as a percentage
 * (90) is told apart, and one above the field's maximum says so.
 */
export const fractionHint = (what: string, max = 1) => (v: number): string => {
  if (!Number.isFinite(v) || v < 0) return 'a fraction from 0 to 1: 0.5 means 50%';
  const pct = (x: number) => `${+(x * 100).toFixed(1)}%`;
  if (v > 1) return v <= 100 ? `a fraction, not a percentage: type ${+(v / 100).toFixed(4)} for ${+v.toFixed(2)}%` : 'a fraction from 0 to 1: 0.5 means 50%';
  if (v > max) return `${pct(v)} is above the ${pct(max)} allowed here`;
  return `${pct(v)} ${what}`;
};
