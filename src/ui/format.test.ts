import { describe, expect, it } from 'vitest';
import { formatTick } from './format';

describe('formatTick', () => {
  it('keeps every digit that matters on a narrow axis', () => {
    expect([0, 850, 850_000, 3_400_000, 1_606_144, 0.5].map(formatTick)).toEqual(['0', '850', '850K', '3.4M', '1.61M', '0.5']);
  });
});
