import { describe, expect, it } from 'vitest';
import { gapClosed, gapClosedLabel } from '../../engine/techniques/distill/meta';
import { pointsLabel, speedLabel } from './VariantCard';

describe('numbers read the same direction everywhere', () => {
  it('a slower variant says slower, from the medians it is shown beside', () => {
    expect(speedLabel(193, 199)).toBe('0.97× — slower');
    expect(speedLabel(404, 418)).toBe('0.97× — slower');
    expect(speedLabel(15.38, 7.2)).toBe('2.14× — faster');
    expect(speedLabel(100, 100.2)).toBe('1.00× — same');
    // The run's per-pair ratios (after ÷ before) straddle 1: noise, not a speed-up.
    expect(speedLabel(576, 526, [0.85, 1.04])).toBe('1.10× — same within noise');
    // A band clear of 1 keeps the direction.
    expect(speedLabel(15.38, 7.2, [0.44, 0.5])).toBe('2.14× — faster');
    expect(speedLabel(193, 199, [1.01, 1.06])).toBe('0.97× — slower');
  });
  it('accuracy changes carry their sign', () => {
    expect(pointsLabel(0.9675, 0.9715)).toBe('+0.40 pt');
    expect(pointsLabel(0.9675, 0.961)).toBe('−0.65 pt');
  });
  it('gap closed is (distilled − scratch) ÷ (teacher − scratch), unknown when there is no gap', () => {
    expect(gapClosed(0.99, 0.98, 0.97)).toBeCloseTo(0.5);
    expect(gapClosed(0.97, 0.98, 0.97)).toBeNull();
    expect(gapClosed(null, 0.98, 0.97)).toBeNull();
    // Outside 0–100% it says what happened, never a bare −14% or 130%.
    expect(gapClosedLabel(-0.136)).toBe('-14% (the distilled student scored below the scratch one: the teacher did not help here)');
    expect(gapClosedLabel(1.3)).toMatch(/^130% \(the distilled student scored above the teacher\)$/);
    expect(gapClosedLabel(0.5)).toBe('50%');
  });
});
