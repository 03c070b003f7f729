/**
 * The leading-axes Sum on wasm against the CPU backend (every axis pattern, keepDims, negative
 * axes, the cases it hands to TF.js's kernel), the bias gradient it computes against central
 * differences on both backends, and no leaks (engine tensors, wasm buffers).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { checkWasmLeaks, useBackend } from '../test-utils/backends';
import { heapMemory } from './heap-wasm';
import { leadingAxesCount, sumRows } from './leading-axes-sum';
import { columnSumFunction } from './leading-axes-sum-wasm';


const values = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.77 + seed) * 2);

const CASES: [number[], number | number[], boolean][] = [
  [[64, 28, 28, 6], [0, 1, 2], false], // LeNet-5 conv1 bias gradient
  [[64, 120], 0, false], // a dense bias gradient
  [[4, 5, 6], [0, 1], true],
  [[4, 5, 6], [-3, -2], false],
  [[4, 5, 6], [1, 0], false],
  [[4, 5, 6], [1, 2], false], // trailing axes: TF.js's kernel
  [[4, 5, 6], [0, 2], true], // not a prefix: TF.js's kernel
  [[4, 5, 6], [0, 1, 2], false], // everything: TF.js's kernel
  [[7], 0, false],
];

describe('wasm Sum over leading axes', () => {
  checkWasmLeaks();

  it('recognises exactly the leading-axes reductions', () => {
    expect(leadingAxesCount([0, 1, 2], 4)).toBe(3);
    expect(leadingAxesCount([-4, 1], 4)).toBe(2);
    expect(leadingAxesCount(0, 2)).toBe(1);
    expect(leadingAxesCount([1, 2], 3)).toBe(0);
    expect(leadingAxesCount([0, 1, 2], 3)).toBe(0);
    expect(leadingAxesCount(0, 1)).toBe(0);
  });

  for (const [shape, axis, keepDims] of CASES) {
    it(`matches the CPU backend: sum ${JSON.stringify(shape)} over ${JSON.stringify(axis)}${keepDims ? ', keepDims' : ''}`, async () => {
      const xv = values(shape.reduce((a, b) => a * b, 1), shape.length);
      const run = () =>
        tf.tidy(() => {
          const y = tf.sum(tf.tensor(xv, shape), axis, keepDims);
          return { shape: y.shape, data: Array.from(y.dataSync()) };
        });
      const got = run();
      await useBackend('cpu');
      const want = run();
      expect(got.shape).toEqual(want.shape);
      got.data.forEach((v, i) => expect(Math.abs(v - want.data[i])).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(want.data[i]))));
    });
  }

  it('the wasm pass equals the JavaScript loop bit for bit (1…24 columns, NaN, ±∞, −0, large and tiny values)', () => {
    const memory = heapMemory(tf.engine().findBackend('wasm'));
    expect(memory && columnSumFunction(memory, 6), 'the wasm pass runs here').toBeTruthy();
    for (let c = 1; c <= 24; c++) {
      const rows = Math.ceil(8192 / c) + 5; // large enough for the wasm pass
      const xv = values(rows * c, c).map((v, i) => (i % 13 === 0 ? v * 1e30 : i % 7 === 0 ? v * 1e-30 : v));
      if (c === 3) [xv[4], xv[10]] = [NaN, Infinity];
      if (c === 4) xv.fill(-0);
      const want = new Float32Array(c);
      sumRows(xv, want, c);
      const got = tf.tidy(() => Array.from(tf.sum(tf.tensor2d(xv, [rows, c]), 0).dataSync()));
      expect(got.map((v, i) => Object.is(v, want[i]) || `${c} columns, column ${i}: ${v} vs ${want[i]}`).filter((r) => r !== true)).toEqual([]);
    }
  });

  it('int32 goes to TF.js’s kernel', () => {
    tf.tidy(() => {
      const y = tf.sum(tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2], 'int32'), 0);
      expect(y.dtype).toBe('int32');
      expect(Array.from(y.dataSync())).toEqual([9, 12]);
    });
  });

  for (const backend of ['cpu', 'wasm'] as const) {
    it(`the bias gradient equals central differences (${backend})`, async () => {
      await useBackend(backend);
      const xv = values(2 * 5 * 5 * 3, 1);
      const w = tf.tensor4d(values(2 * 5 * 5 * 3, 2), [2, 5, 5, 3]);
      const f = (b: tf.Tensor) => tf.sum(tf.mul(tf.relu(tf.add(tf.tensor4d(xv, [2, 5, 5, 3]), b)), w));
      const b0 = Float32Array.from([0.3, -0.2, 0.05]);
      const analytic = tf.tidy(() => Array.from(tf.grad(f)(tf.tensor1d(b0)).dataSync()));
      const eps = 1e-3;
      for (let i = 0; i < 3; i++) {
        const plus = b0.slice();
        const minus = b0.slice();
        plus[i] += eps;
        minus[i] -= eps;
        const numeric = tf.tidy(() => (f(tf.tensor1d(plus)).dataSync()[0] - f(tf.tensor1d(minus)).dataSync()[0]) / (2 * eps));
        expect(Math.abs(numeric - analytic[i]), `bias ${i}`).toBeLessThan(2e-2 * Math.max(1, Math.abs(numeric)));
      }
      w.dispose();
    });
  }
});
