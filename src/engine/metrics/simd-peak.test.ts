import { describe, expect, it } from 'vitest';
import { measureSimdPeak, simdPeakFlopsPerIteration, simdPeakModuleBytes, SIMD_PEAK_UNROLL } from './simd-peak';

describe('SIMD128 peak microbenchmark', () => {
  it('assembles a valid WebAssembly module for several accumulator counts', () => {
    for (const n of [1, 8, 12, 16]) expect(WebAssembly.validate(simdPeakModuleBytes(n))).toBe(true);
    expect(() => simdPeakModuleBytes(0)).toThrow(RangeError);
  });

  it('exports run(i32) -> f32 that computes acc = acc * a + b on every accumulator', async () => {
    const { instance } = await WebAssembly.instantiate(simdPeakModuleBytes(1, 1));
    const run = instance.exports.run as (n: number) => number;
    // One accumulator, lane 0 starts at 0.5; a = 0.99999, b = 1e-5 (float32 arithmetic).
    const a = Math.fround(0.99999);
    const b = Math.fround(1e-5);
    let acc = Math.fround(0.5);
    for (let i = 0; i < 3; i++) acc = Math.fround(Math.fround(acc * a) + b);
    expect(run(0)).toBe(Math.fround(0.5));
    expect(run(3)).toBe(acc);
    // Many iterations converge towards b / (1 - a) ≈ 1: finite, no overflow.
    const far = run(1_000_000);
    expect(Number.isFinite(far)).toBe(true);
    expect(far).toBeGreaterThan(0.5);
    expect(far).toBeLessThan(1.5);
  });

  it('measures a positive GFLOP/s with a finite checksum (speed not asserted)', async () => {
    const r = await measureSimdPeak({ targetMs: 20, runs: 2 });
    expect(r.gflops).toBeGreaterThan(0);
    expect(Number.isFinite(r.checksum)).toBe(true);
    expect(r.ms).toBeGreaterThanOrEqual(0);
    expect(r.iterations).toBeGreaterThan(0);
    expect(r.accumulators).toBe(12);
    expect(r.runsGflops).toHaveLength(2);
    expect(simdPeakFlopsPerIteration(r.accumulators)).toBe(r.accumulators * SIMD_PEAK_UNROLL * 8);
  });
});
