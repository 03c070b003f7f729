import { describe, expect, it } from 'vitest';
import { spearman, ranks } from '../../metrics/rank-correlation';
import { dominates, frontRanks, mnasScore, paretoFront } from './pareto';

describe('pareto', () => {
  const p = (accuracy: number, latencyMs: number, size = 0) => ({ accuracy, latencyMs, size });
  it('finds the non-dominated front and the fronts behind it', () => {
    const pts = [p(0.9, 1), p(0.95, 2), p(0.85, 2), p(0.95, 1.5), p(0.8, 0.5)];
    expect(dominates(pts[3], pts[1])).toBe(true);
    // (0.85, 2) is dominated by (0.95, 2), itself dominated by (0.95, 1.5).
    expect(frontRanks(pts)).toEqual([0, 1, 2, 0, 0]);
    expect(paretoFront(pts)).toEqual([0, 3, 4]);
  });
  it('projects onto the objectives asked for', () => {
    const pts = [p(0.9, 1, 10), p(0.9, 1, 5)];
    expect(paretoFront(pts)).toEqual([1]);
    expect(paretoFront(pts, ['accuracy', 'latencyMs'])).toEqual([0, 1]);
  });
  it('scores like MnasNet: at the target the score is the accuracy; twice as slow costs ≈4.7%', () => {
    expect(mnasScore(0.9, 2, 2)).toBeCloseTo(0.9, 12);
    expect(mnasScore(1, 4, 2)).toBeCloseTo(Math.pow(2, -0.07), 12);
    expect(mnasScore(0.9, 1, 2)).toBeGreaterThan(0.9);
  });
});

describe('spearman', () => {
  it('ranks with ties at their mean rank', () => {
    expect(ranks([10, 20, 20, 5])).toEqual([2, 3.5, 3.5, 1]);
  });
  it('is 1 for any increasing relation, −1 for a decreasing one', () => {
    expect(spearman([1, 2, 3, 4], [1, 4, 9, 100])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
    expect(spearman([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])).toBeCloseTo(0.8, 12);
  });
  it('is null, not 0, when undefined', () => {
    expect(spearman([1, 2], [1, 2])).toBeNull();
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNull();
    expect(() => spearman([1, 2, 3], [1, 2])).toThrow(/differ in length/);
  });
});
