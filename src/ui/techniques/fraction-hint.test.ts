import { describe, expect, it } from 'vitest';
import { fractionHint } from './fraction-hint';

describe('fractionHint', () => {
  const sparsity = fractionHint('of the prunable weights set to zero (small layers stay dense)', 0.99);
  it('reads a fraction as a percentage', () => {
    expect(sparsity(0.9)).toBe('90% of the prunable weights set to zero (small layers stay dense)');
    expect(sparsity(0.955)).toBe('95.5% of the prunable weights set to zero (small layers stay dense)');
    expect(sparsity(0)).toBe('0% of the prunable weights set to zero (small layers stay dense)');
  });
  it('tells a value typed as a percentage apart and says what to type', () => {
    expect(sparsity(90)).toBe('a fraction, not a percentage: type 0.9 for 90%');
    expect(sparsity(1.5)).toBe('a fraction, not a percentage: type 0.015 for 1.5%');
  });
  it('names the maximum when a fraction is above it', () => {
    expect(sparsity(0.995)).toBe('99.5% is above the 99% allowed here');
    expect(sparsity(1)).toBe('100% is above the 99% allowed here');
  });
  it('explains the unit for values that are no fraction at all', () => {
    for (const v of [Number.NaN, -0.1, 250]) expect(sparsity(v)).toBe('a fraction from 0 to 1: 0.5 means 50%');
  });
});
