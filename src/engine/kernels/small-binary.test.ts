/**
 * Small float32 Add / Sub / Multiply / RealDiv on wasm in JavaScript: bit-identical to the CPU
 * backend (same shapes, a scalar on either side, NaN, ±∞, division by zero), the cases handed to
 * TF.js's kernel still right, an Adam step on the small tensors it serves against the CPU backend,
 * a gradient against central differences on both backends, and no leaks.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useBackend } from '../test-utils/backends';
import { SMALL, smallBinaryShape } from './small-binary';

function wasmDataIds(): number {
  return tf.engine().findBackend('wasm').numDataIds();
}

const values = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.61 + seed) * 3);
const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
const OPS = [
  ['Add', tf.add],
  ['Sub', tf.sub],
  ['Multiply', tf.mul],
  ['RealDiv', tf.div],
] as const;

const SHAPES: [number[], number[]][] = [
  [[120], [120]],
  [[84, 10], [84, 10]],
  [[6], []],
  [[], [5, 5, 1, 6]],
  [[1, 1], [16]],
  [[64, 120], [64, 120]], // 7,680 elements: still small
  [[400, 120], []], // 48,000: TF.js's kernel
  [[4, 6], [6]], // broadcasts a row: TF.js's kernel
];

describe('small binary ops on wasm', () => {
  let tensorsBefore = 0;
  let idsBefore = 0;
  beforeEach(async () => {
    await useBackend('wasm');
    tensorsBefore = tf.memory().numTensors;
    idsBefore = wasmDataIds();
  });
  afterEach(async () => {
    await useBackend('wasm');
    expect(tf.memory().numTensors, 'tensors leaked').toBe(tensorsBefore);
    expect(wasmDataIds(), 'wasm buffers leaked').toBe(idsBefore);
  });

  it('takes only small float32 operands of one shape or with a single-element side', () => {
    const info = (shape: number[], dtype: 'float32' | 'int32' = 'float32') => ({ dataId: {}, shape, dtype });
    expect(smallBinaryShape(info([6]), info([]))).toEqual([6]);
    expect(smallBinaryShape(info([1, 1]), info([6]))).toEqual([1, 6]);
    expect(smallBinaryShape(info([4, 6]), info([4, 6]))).toEqual([4, 6]);
    expect(smallBinaryShape(info([4, 6]), info([6]))).toBeNull();
    expect(smallBinaryShape(info([4, 6]), info([6, 4]))).toBeNull();
    expect(smallBinaryShape(info([SMALL + 1]), info([]))).toBeNull();
    expect(smallBinaryShape(info([6], 'int32'), info([6], 'int32'))).toBeNull();
  });

  for (const [name, op] of OPS) {
    it(`${name}: bit-identical to the CPU backend`, async () => {
      for (const [sa, sb] of SHAPES) {
        const [av, bv] = [values(size(sa), 1), values(size(sb), 2)];
        if (av.length > 2) av.set([NaN, Infinity, -0], 0);
        if (bv.length > 3) bv.set([0, -Infinity, 1e-30], 1);
        const run = () =>
          tf.tidy(() => {
            const y = op(tf.tensor(av, sa), tf.tensor(bv, sb));
            return { shape: y.shape, data: Array.from(y.dataSync()) };
          });
        const got = run();
        await useBackend('cpu');
        const want = run();
        await useBackend('wasm');
        expect(got.shape, `${name} ${sa} ${sb}`).toEqual(want.shape);
        expect(got.data, `${name} ${sa} ${sb}`).toEqual(want.data);
      }
    });
  }

  it('int32 goes to TF.js’s kernels', () => {
    tf.tidy(() => {
      const [a, b] = [tf.tensor1d([7, -8, 9], 'int32'), tf.tensor1d([2, 3, 4], 'int32')];
      expect(Array.from(tf.add(a, b).dataSync())).toEqual([9, -5, 13]);
      expect(Array.from(tf.mul(a, b).dataSync())).toEqual([14, -24, 36]);
      expect(tf.sub(a, b).dtype).toBe('int32');
    });
  });

  it('an Adam step on small variables matches the CPU backend', async () => {
    const step = () => {
      // (tidy frees the initial values; variables outlive it)
      const w = tf.tidy(() => tf.variable(tf.tensor2d(values(84 * 10, 3), [84, 10])));
      const b = tf.tidy(() => tf.variable(tf.tensor1d(values(10, 4))));
      const opt = tf.train.adam(0.01);
      const x = tf.tensor2d(values(16 * 84, 5), [16, 84]);
      for (let i = 0; i < 3; i++) opt.minimize(() => tf.mean(tf.square(tf.add(tf.matMul(x, w), b))) as tf.Scalar);
      const out = [Array.from(w.dataSync()), Array.from(b.dataSync())];
      opt.dispose();
      tf.dispose([w, b, x]);
      return out;
    };
    const got = step();
    await useBackend('cpu');
    const want = step();
    await useBackend('wasm');
    got.forEach((g, k) => g.forEach((v, i) => expect(Math.abs(v - want[k][i])).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(want[k][i])))));
  });

  for (const backend of ['cpu', 'wasm'] as const) {
    it(`the gradient of Σ (a·b − a/b + a) equals central differences (${backend})`, async () => {
      await useBackend(backend);
      const bv = values(12, 6).map((v) => v + Math.sign(v) * 0.5);
      const f = (a: tf.Tensor) => {
        const b = tf.tensor1d(bv);
        return tf.sum(tf.add(tf.sub(tf.mul(a, b), tf.div(a, b)), a));
      };
      const a0 = values(12, 7);
      const analytic = tf.tidy(() => Array.from(tf.grad(f)(tf.tensor1d(a0)).dataSync()));
      const eps = 1e-2;
      for (let i = 0; i < a0.length; i++) {
        const at = (d: number) => tf.tidy(() => {
          const a = a0.slice();
          a[i] += d;
          return f(tf.tensor1d(a)).dataSync()[0];
        });
        const numeric = (at(eps) - at(-eps)) / (2 * eps);
        expect(Math.abs(numeric - analytic[i]), `element ${i}`).toBeLessThan(1e-2 * Math.max(1, Math.abs(numeric)));
      }
    });
  }
});
