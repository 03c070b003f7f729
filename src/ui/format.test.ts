import { describe, expect, it } from 'vitest';
import { formatSizeChange, formatTick } from './format';

describe('formatTick', () => {
  it('keeps every digit that matters on a narrow axis', () => {
    expect([0, 850, 850_000, 3_400_000, 1_606_144, 0.5].map(formatTick)).toEqual(['0', '850', '850K', '3.4M', '1.61M', '0.5']);
  });
});

describe('formatSizeChange', () => {
  it('says how many times smaller or larger, the same way round both ways', () => {
    expect(formatSizeChange(4000, 1000)).toBe('4.00× smaller');
    // 44,080 → 63,562 non-zero parameters: 1.44× the parent's, not "0.69× larger".
    expect(formatSizeChange(44_080, 63_562)).toBe('1.44× larger');
    expect(formatSizeChange(224.1, 231.2)).toBe('1.03× larger');
    expect(formatSizeChange(1000, 1001)).toBe('same');
    expect([formatSizeChange(null, 5), formatSizeChange(5, null), formatSizeChange(5, 0), formatSizeChange(0, 5)]).toEqual(['', '', '', '']);
  });
});
