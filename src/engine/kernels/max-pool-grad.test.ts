/**
 * Bonsai's wasm MaxPoolGrad against the CPU backend's (the reference) through tf.grad, over
 * window sizes, strides, paddings and inputs full of ties and negative values; and against
 * central differences on tie-free inputs, on both backends. Nothing may leak: engine tensors and
 * wasm buffers are counted around every test.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkWasmLeaks, useBackend } from '../test-utils/backends';
import { heapMemory } from './heap-wasm';
import { MAX_POOL_GRAD, scatterMaxPoolGrad, tiles2x2 } from './max-pool-grad';
import { tiledMaxPoolGradFunction } from './max-pool-grad-wasm';

type Pad = 'same' | 'valid' | number;
interface PoolCase {
  shape: [number, number, number, number];
  filter: [number, number];
  stride: [number, number];
  pad: Pad;
  rounding?: 'floor' | 'round' | 'ceil';
}

const CASES: PoolCase[] = [
  { shape: [4, 28, 28, 6], filter: [2, 2], stride: [2, 2], pad: 'valid' }, // LeNet-5 pool1
  { shape: [4, 10, 10, 16], filter: [2, 2], stride: [2, 2], pad: 'valid' }, // LeNet-5 pool2
  { shape: [2, 9, 7, 3], filter: [3, 3], stride: [2, 2], pad: 'same' }, // overlapping, padded
  { shape: [2, 6, 6, 2], filter: [3, 3], stride: [1, 1], pad: 'same' }, // every element in 9 windows
  { shape: [1, 11, 8, 5], filter: [2, 3], stride: [3, 2], pad: 'valid' }, // gaps between windows
  { shape: [3, 5, 5, 1], filter: [2, 2], stride: [1, 1], pad: 1, rounding: 'floor' },
  { shape: [1, 7, 4, 4], filter: [3, 2], stride: [2, 1], pad: 'same' },
  { shape: [2, 4, 6, 3], filter: [2, 2], stride: [2, 2], pad: 'same' }, // tiles exactly (even sizes: no padding)
  { shape: [1, 5, 6, 2], filter: [2, 2], stride: [2, 2], pad: 'valid' }, // last row in no window: not tiled
];

/** Values on a coarse grid (many ties), mostly ≤ 0 in some windows. */
function tiedValues(n: number, seed: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => Math.round(Math.sin(i * 0.37 + seed) * 3 - 1) / 2);
}

function pool(x: tf.Tensor4D, c: PoolCase): tf.Tensor4D {
  return tf.maxPool(x, c.filter, c.stride, c.pad, c.rounding);
}

/** d/dx Σ maxPool(x) · w, with w fixed and varied. */
function poolGrad(xv: Float32Array, c: PoolCase): Float32Array {
  return tf.tidy(() => {
    const x = tf.tensor4d(xv, c.shape);
    const outShape = pool(x, c).shape;
    const w = tf.tensor(Float32Array.from({ length: outShape.reduce((a, b) => a * b, 1) }, (_, i) => Math.cos(i * 0.9) + 1.5), outShape);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(pool(t as tf.Tensor4D, c), w)))(x);
    return g.dataSync() as Float32Array;
  });
}


describe('wasm MaxPoolGrad', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });
  checkWasmLeaks();

  it("is Bonsai's kernel, not TF.js's", () => {
    expect(tf.getKernel(MAX_POOL_GRAD, 'wasm')!.setupFunc).toBeUndefined();
  });

  for (const c of CASES) {
    it(`matches the CPU backend: ${c.shape} pool ${c.filter}/${c.stride} pad ${c.pad}`, async () => {
      const xv = tiedValues(c.shape.reduce((a, b) => a * b, 1), c.shape[1]);
      const got = poolGrad(xv, c);
      await useBackend('cpu');
      const want = poolGrad(xv, c);
      expect(got.length).toBe(want.length);
      let err = 0;
      for (let i = 0; i < got.length; i++) err = Math.max(err, Math.abs(got[i] - want[i]));
      expect(err).toBeLessThanOrEqual(1e-5);
    });
  }

  for (const channels of [1, 2, 3, 4, 5, 6, 7, 16]) {
    it(`tiling 2×2 windows, ${channels} channels (the wasm function): bit for bit the JavaScript rule, with NaN, ±∞ and −0`, () => {
      const shape: [number, number, number, number] = [2, 6, 4, channels];
      const info = tf.backend_util.computePool2DInfo(shape, 2, 2, 1, 'valid');
      expect(tiles2x2(info)).toBe(true);
      const memory = heapMemory(tf.engine().findBackend('wasm'));
      expect(memory && tiledMaxPoolGradFunction(memory, channels), 'the wasm function runs here').toBeTruthy();
      const n = shape.reduce((a, b) => a * b, 1);
      const specials = [NaN, -Infinity, Infinity, -0, 0];
      const xv = tiedValues(n, 3).map((v, i) => (i % 7 === 0 ? specials[(i / 7) % specials.length] : v));
      const row = 4 * channels;
      for (const i of [0, channels, row, row + channels]) xv[i] = NaN; // window (0,0), channel 0: all NaN → passes nothing
      const m = n / 4;
      const dyv = Float32Array.from({ length: m }, (_, i) => (i % 5 === 0 ? -0 : i % 11 === 1 ? NaN : Math.cos(i)));
      const got = tf.tidy(() => {
        const x = tf.tensor4d(xv, shape);
        const output = tf.maxPool(x, 2, 2, 'valid');
        const dy = tf.tensor(dyv, output.shape);
        const dx = tf.engine().runKernel(MAX_POOL_GRAD, { dy, input: x, output }, { filterSize: 2, strides: 2, pad: 'valid' }) as tf.Tensor;
        return dx.dataSync() as Float32Array;
      });
      const want = new Float32Array(n);
      scatterMaxPoolGrad(xv, dyv, want, info);
      expect(Array.from(got, (v, i) => Object.is(v, want[i]) || `${i}: ${v} vs ${want[i]}`).filter((r) => r !== true)).toEqual([]);
      for (const i of [0, channels, row, row + channels]) expect(Object.is(got[i], 0), `all-NaN window, element ${i}`).toBe(true);
    });
  }

  it('sends an all-negative window its gradient to its first maximum (the CPU rule)', () => {
    const got = tf.tidy(() => {
      const x = tf.tensor4d([-3, -1, -2, -1, -5, -1, -7, -0.5], [1, 2, 4, 1]);
      return Array.from(tf.grad((t: tf.Tensor) => tf.sum(tf.maxPool(t as tf.Tensor4D, 2, 2, 'valid')))(x).dataSync());
    });
    // windows [-3,-1 | -5,-1] (a tie: the first −1 wins) and [-2,-1 | -7,-0.5]
    expect(got).toEqual([0, 1, 0, 0, 0, 0, 0, 1]);
  });

  for (const backend of ['cpu', 'wasm'] as const) {
    it(`equals central differences on tie-free inputs (${backend})`, async () => {
      await useBackend(backend);
      for (const c of [CASES[2], CASES[3], CASES[6], CASES[7]]) {
        const n = c.shape.reduce((a, b) => a * b, 1);
        // distinct values 0.1 apart, shuffled by a fixed stride coprime with n
        const step = [7, 11, 13, 17].find((s) => n % s !== 0)!;
        const xv = Float32Array.from({ length: n }, (_, i) => (((i * step) % n) - n / 2) * 0.1);
        const analytic = poolGrad(xv, c);
        // (f(x + eps·e_i) − f(x − eps·e_i)) / 2eps, the difference taken per pooled element so that
        // float32 rounding of the large sums does not swamp it
        const eps = 0.01;
        const central = (plus: Float32Array, minus: Float32Array) =>
          tf.tidy(() => {
            const yp = pool(tf.tensor4d(plus, c.shape), c);
            const ym = pool(tf.tensor4d(minus, c.shape), c);
            const w = tf.tensor(Float32Array.from({ length: yp.size }, (_, i) => Math.cos(i * 0.9) + 1.5), yp.shape);
            return tf.sum(tf.mul(tf.sub(yp, ym), w)).dataSync()[0] / (2 * eps);
          });
        for (let i = 0; i < n; i++) {
          const plus = xv.slice();
          const minus = xv.slice();
          plus[i] += eps;
          minus[i] -= eps;
          const numeric = central(plus, minus);
          expect(Math.abs(numeric - analytic[i]), `element ${i} of ${c.shape}`).toBeLessThan(2e-3 * Math.max(1, Math.abs(numeric)));
        }
      }
    });
  }
});
