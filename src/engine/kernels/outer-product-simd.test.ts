/**
 * The hand-assembled outer-product sweep: valid modules for every register-fitting shape, refused
 * shapes, and one sweep over a plain WebAssembly.Memory against the same sums in JavaScript.
 */
import { describe, expect, it } from 'vitest';
import { maxSweepRows, outerProductModuleBytes, outerProductSweep } from './outer-product-simd';

describe('outer-product SIMD sweep', () => {
  it('assembles a valid module for every (LB, OV) that fits the registers, and refuses the rest', () => {
    for (let ov = 1; ov <= 4; ov++) {
      for (let lb = 1; lb <= maxSweepRows(ov); lb++) expect(WebAssembly.validate(outerProductModuleBytes(lb, ov)), `${lb}×${ov}`).toBe(true);
      expect(() => outerProductModuleBytes(maxSweepRows(ov) + 1, ov)).toThrow(RangeError);
    }
    expect(() => outerProductModuleBytes(0, 1)).toThrow(RangeError);
  });

  it('adds Σ x[l]·dy[v] over rows and columns to the accumulators, in place', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const f32 = new Float32Array(memory.buffer);
    const [lb, ov, rows, cols, xRow, dyRow, xCol, dyCol] = [3, 2, 3, 4, 20, 40, 2, 9];
    const X = 0, DY = 200, ACC = 1000; // float indices
    for (let i = 0; i < 200; i++) f32[X + i] = Math.sin(i);
    for (let i = 0; i < 400; i++) f32[DY + i] = Math.cos(i * 0.7);
    for (let i = 0; i < lb * ov * 4; i++) f32[ACC + i] = i; // accumulates onto what is there
    const expected = Float32Array.from(f32.subarray(ACC, ACC + lb * ov * 4));
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < cols; j++) {
        for (let l = 0; l < lb; l++) {
          for (let k = 0; k < ov * 4; k++) {
            const x = Math.fround(f32[X + r * xRow + j * xCol + l]);
            expected[l * ov * 4 + k] = Math.fround(expected[l * ov * 4 + k] + Math.fround(x * f32[DY + r * dyRow + j * dyCol + k]));
          }
        }
      }
    }
    const sweep = outerProductSweep(memory, lb, ov);
    expect(sweep).not.toBeNull();
    sweep!(X * 4, DY * 4, rows, cols, xRow * 4, dyRow * 4, xCol * 4, dyCol * 4, ACC * 4);
    expect(Array.from(f32.subarray(ACC, ACC + lb * ov * 4))).toEqual(Array.from(expected));
  });
});
