import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { BonsaiError } from '../../errors';
import { describeEachBackend } from '../../test-utils/backends';
import { affineGrid, clusterTensorValues, errorBound, quantizeTensorValues, type EncodedValues } from './encode';
import { float16BitsToFloat32, float32ToFloat16Bits } from './float16';
import type { WeightPrecision } from './meta';

/** Seeded values with exact zeros (a third pruned), spread over several magnitudes. */
function sampleValues(n: number, seed = 7): Float32Array {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  return Float32Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 0 : (rand() - 0.3) * (i % 7 === 0 ? 3 : 0.2)));
}

/** Decode through stock tf.io, as a model load would. */
function decodeStock(e: EncodedValues, n: number): Float32Array {
  const spec: tf.io.WeightsManifestEntry = { name: 'w', shape: [n], dtype: 'float32' };
  if (e.quantization) spec.quantization = { ...e.quantization } as tf.io.WeightsManifestEntry['quantization'];
  const map = tf.io.decodeWeights(e.bytes.slice().buffer, [spec]);
  const values = map.w.dataSync() as Float32Array;
  tf.dispose(map);
  return values;
}

const DTYPES: WeightPrecision[] = ['float32', 'float16', 'uint16', 'uint8'];

describeEachBackend('weight encoder', () => {
  for (const dtype of DTYPES) {
    it(`${dtype}: stock decode is within the stated bound and zeros stay exact`, () => {
      const values = sampleValues(3000);
      const enc = quantizeTensorValues(values, dtype);
      const decoded = decodeStock(enc, values.length);
      const bound = errorBound(values, dtype);
      let worst = 0;
      for (let i = 0; i < values.length; i++) {
        worst = Math.max(worst, Math.abs(values[i] - decoded[i]));
        if (values[i] === 0) expect(decoded[i]).toBe(0);
      }
      expect(worst).toBeLessThanOrEqual(bound * (1 + 1e-9));
      expect(enc.maxError).toBeCloseTo(worst, 12);
      if (dtype === 'uint8') expect(bound).toBeLessThan(0.01);
    });
  }

  it('uint8 grid: all-positive, all-negative, constant and all-zero tensors keep 0 exact', () => {
    for (const values of [[0.5, 1, 2, 0], [-3, -1, 0], [4, 4, 4], [0, 0], [-1e-30, 1e-30, 0]]) {
      const v = Float32Array.from(values);
      const enc = quantizeTensorValues(v, 'uint8');
      const decoded = decodeStock(enc, v.length);
      v.forEach((x, i) => (x === 0 ? expect(decoded[i]).toBe(0) : expect(Math.abs(decoded[i] - x)).toBeLessThanOrEqual(errorBound(v, 'uint8'))));
    }
    expect(affineGrid(-1, 3, 256).zeroPoint).toBe(64);
  });

  it('float16 conversion is bit-exact on edge values', () => {
    for (const x of [0, -0, 1, -2.5, 65504, 6.1035156e-5, 5.96e-8, 1e-9, 0.1, 1 / 3]) {
      const back = float16BitsToFloat32(float32ToFloat16Bits(x));
      expect(Math.abs(back - x)).toBeLessThanOrEqual(Math.max(Math.abs(x) * 2 ** -11, 2 ** -25));
    }
    expect(float32ToFloat16Bits(1)).toBe(0x3c00);
    expect(float32ToFloat16Bits(65504)).toBe(0x7bff);
    expect(float32ToFloat16Bits(2 ** -24)).toBe(1);
  });

  for (const k of [2, 4, 16, 256]) {
    it(`clusters k=${k}: ≤ k distinct values, all on the tensor's uint8 grid, zeros exact`, () => {
      const values = sampleValues(4000, k);
      const c = clusterTensorValues(values, k);
      const grid = quantizeTensorValues(values, 'uint8').quantization!;
      expect(c.quantization).toEqual(grid);
      const decoded = decodeStock(c, values.length);
      const distinct = new Set(decoded);
      expect(distinct.size).toBeLessThanOrEqual(k);
      expect(distinct.size).toBe(c.distinct);
      expect(new Set(c.bytes).size).toBe(c.distinct);
      for (const v of distinct) expect(Math.abs((v - grid.min!) / grid.scale! - Math.round((v - grid.min!) / grid.scale!))).toBeLessThan(1e-3);
      values.forEach((x, i) => x === 0 && expect(decoded[i]).toBe(0));
      let worst = 0;
      values.forEach((x, i) => (worst = Math.max(worst, Math.abs(x - decoded[i]))));
      expect(c.maxError).toBeCloseTo(worst, 12);
    });
  }

  it('clustering is deterministic and fewer distinct values than k are kept exactly', () => {
    const values = sampleValues(1000);
    expect(clusterTensorValues(values, 8).bytes).toEqual(clusterTensorValues(values, 8).bytes);
    const mse = (k: number) => {
      const c = clusterTensorValues(values, k);
      return values.reduce((s, x, i) => s + (x - c.centroids[c.assignments[i]]) ** 2, 0) / values.length;
    };
    expect(mse(16)).toBeLessThan(mse(4));
    expect(mse(4)).toBeLessThan(mse(2));
    const three = Float32Array.from({ length: 300 }, (_, i) => [-0.5, 0, 0.25][i % 3]);
    const c = clusterTensorValues(three, 16);
    expect(c.distinct).toBe(3);
    expect(c.maxError).toBeLessThanOrEqual(errorBound(three, 'uint8'));
  });

  it('refuses unsupported dtypes, k out of range and non-finite values', () => {
    const v = Float32Array.from([1, 2, 3]);
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e instanceof BonsaiError ? e.code : 'other';
      }
      return 'none';
    };
    expect(code(() => quantizeTensorValues(v, 'int8' as WeightPrecision))).toBe('BAD_CONFIG');
    for (const k of [1, 257, 2.5, NaN]) expect(code(() => clusterTensorValues(v, k))).toBe('BAD_CONFIG');
    expect(code(() => quantizeTensorValues(Float32Array.from([1, NaN]), 'uint8'))).toBe('BAD_CONFIG');
    expect(code(() => quantizeTensorValues(Float32Array.from([70000]), 'float16'))).toBe('BAD_CONFIG');
  });
});
