import { describe, expect, it } from 'vitest';
import { mulberry32, seededShuffle, stratifiedSplit } from './split';

describe('seeded shuffles', () => {
  it('mulberry32 is deterministic and in [0, 1)', () => {
    const a = mulberry32(7);
    const b = mulberry32(7);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(mulberry32(8)()).not.toBe(mulberry32(7)());
  });

  it('seededShuffle permutes a copy', () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const s = seededShuffle(items, 3);
    expect(s).not.toEqual(items);
    expect([...s].sort((x, y) => x - y)).toEqual(items);
    expect(seededShuffle(items, 3)).toEqual(s);
    expect(items[0]).toBe(0);
  });
});

describe('stratifiedSplit', () => {
  const labels = [...Array(10).fill(0), ...Array(5).fill(1), ...Array(2).fill(2), 3];

  it('holds out round(n × fraction) per class, at least one, never the whole class', () => {
    const { train, test } = stratifiedSplit(labels, 0.2, 42);
    const count = (idx: number[], c: number) => idx.filter((i) => labels[i] === c).length;
    expect([0, 1, 2, 3].map((c) => count(test, c))).toEqual([2, 1, 1, 0]);
    expect([0, 1, 2, 3].map((c) => count(train, c))).toEqual([8, 4, 1, 1]);
    expect([...train, ...test].sort((a, b) => a - b)).toEqual(labels.map((_, i) => i));
  });

  it('is deterministic in the seed and interleaves classes', () => {
    const a = stratifiedSplit(labels, 0.3, 1);
    expect(stratifiedSplit(labels, 0.3, 1)).toEqual(a);
    expect(stratifiedSplit(labels, 0.3, 2)).not.toEqual(a);
    expect(a.train.slice(0, 8).map((i) => labels[i])).not.toEqual(Array(8).fill(0));
  });

  it('fraction 0 keeps everything in train; bad fractions throw', () => {
    expect(stratifiedSplit(labels, 0, 1).test).toEqual([]);
    expect(() => stratifiedSplit(labels, 1, 1)).toThrow(RangeError);
    expect(() => stratifiedSplit(labels, -0.1, 1)).toThrow(RangeError);
  });
});
