/**
 * The matmul + col2im Conv2DBackpropInput (input-grad-col2im.ts) against the CPU backend's kernel
 * with identical inputs — KW·C in groups of 4, 2 and 1 floats, one or many phases, O of 1 to 16 —
 * NaN and ±∞ in dy reaching exactly the dx elements they reach on the CPU, and central differences
 * of the loss on both backends. Each case first checks that this path really runs on wasm here.
 * Nothing may leak: engine tensors and wasm buffers are counted.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { checkWasmLeaks, useBackend } from '../test-utils/backends';
import { forwardAxes } from './conv-geometry';
import { col2ImInputGrad } from './input-grad-col2im';
import { withKernelScope } from './kernel-scope';
import { randomValues, scaledMaxError } from './test-utils/conv-cases';

interface Case {
  x: [number, number, number, number];
  filter: [number, number, number, number];
}

const CASES: Case[] = [
  { x: [3, 14, 14, 6], filter: [5, 5, 6, 16] }, // LeNet-5 conv2, small batch: segments of 30 = 7×4 + 2
  { x: [2, 7, 9, 1], filter: [3, 3, 1, 4] }, // 3 = 2 + 1
  { x: [2, 6, 5, 5], filter: [2, 4, 5, 3] }, // 20 = 5×4
  { x: [1, 5, 8, 7], filter: [3, 1, 7, 2] }, // one phase; 7 = 4 + 2 + 1
  { x: [2, 4, 4, 2], filter: [4, 4, 2, 1] }, // dy 1×1: every phase but one is empty
  { x: [1, 9, 6, 3], filter: [1, 5, 3, 9] },
];

const attrsOf = (c: Case) => ({ strides: 1, dilations: 1, pad: 'valid' as const, dataFormat: 'NHWC' as const, inputShape: c.x });
const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

function dyShape(c: Case): number[] {
  const [h, w] = forwardAxes(c.x, c.filter, attrsOf(c), false);
  return [c.x[0], h.outSize, w.outSize, c.filter[3]];
}

function inputGrad(c: Case, dyv: Float32Array, wv: Float32Array): Float32Array {
  return tf.tidy(() => {
    const dy = tf.tensor(dyv, dyShape(c));
    const filter = tf.tensor4d(wv, c.filter);
    const dx = tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, attrsOf(c) as unknown as tf.NamedAttrMap) as tf.Tensor;
    return dx.dataSync() as Float32Array;
  });
}

/** True when the col2im path (not the composed kernel) computes this case on the active backend. */
function col2ImRuns(c: Case): boolean {
  return tf.tidy(() => {
    const dy = tf.zeros(dyShape(c));
    const filter = tf.zeros(c.filter);
    const backend = tf.engine().backend;
    const [h, w] = forwardAxes(c.x, c.filter, attrsOf(c), false);
    const info = (t: tf.Tensor) => ({ dataId: t.dataId, shape: t.shape, dtype: t.dtype });
    let ran = false;
    const out = withKernelScope(backend, 'wasm', (scope) => {
      const r = col2ImInputGrad(scope, backend, info(dy), info(filter), h, w, c.x);
      ran = r !== null;
      return r ?? scope.zeros(c.x);
    });
    backend.disposeData(out.dataId);
    return ran;
  });
}

describe('wasm Conv2DBackpropInput: matmul + col2im', () => {
  checkWasmLeaks();

  for (const [i, c] of CASES.entries()) {
    it(`matches the CPU backend: x [${c.x}], filter [${c.filter}], 'valid'`, async () => {
      expect(col2ImRuns(c), 'the col2im path should run here').toBe(true);
      const dyv = randomValues(size(dyShape(c)), 13 + i);
      const wv = randomValues(size(c.filter), 31 + i);
      const actual = inputGrad(c, dyv, wv);
      await useBackend('cpu');
      const expected = inputGrad(c, dyv, wv);
      expect(scaledMaxError(actual, expected)).toBeLessThanOrEqual(1e-5);
    });
  }

  it('sends NaN and ±∞ in dy exactly where the CPU backend does, border pixels included', async () => {
    const c = CASES[0];
    const dyv = randomValues(size(dyShape(c)), 2);
    dyv[0] = NaN; // image 0, pixel (0, 0), channel 0: a corner
    dyv[(2 * 10 + 9) * 16 + 3] = Infinity; // image 0, pixel (2, 9): the right border
    dyv[size(dyShape(c)) - 1] = -Infinity; // the last pixel of the last image
    const wv = randomValues(size(c.filter), 3);
    const actual = inputGrad(c, dyv, wv);
    await useBackend('cpu');
    const expected = inputGrad(c, dyv, wv);
    expect(Array.from(actual, Number.isNaN)).toEqual(Array.from(expected, Number.isNaN));
    expect(actual.filter(Number.isNaN).length).toBeGreaterThan(0);
    const finite = (a: Float32Array) => a.map((v) => (Number.isFinite(v) ? v : 0));
    expect(scaledMaxError(finite(actual), finite(expected))).toBeLessThanOrEqual(1e-5);
  });

  for (const backend of ['cpu', 'wasm'] as const) {
    it(`equals central differences of the loss (${backend})`, async () => {
      await useBackend(backend);
      const c: Case = { x: [2, 6, 6, 3], filter: [3, 3, 3, 4] };
      const xv = randomValues(size(c.x), 5);
      const wv = randomValues(size(c.filter), 6);
      const weights = randomValues(size(dyShape(c)), 7);
      const loss = (x: tf.Tensor4D) => tf.tidy(() => tf.sum(tf.mul(tf.conv2d(x, tf.tensor4d(wv, c.filter), 1, 'valid'), tf.tensor(weights, dyShape(c)))));
      const grad = tf.tidy(() => tf.grad((x: tf.Tensor) => loss(x as tf.Tensor4D))(tf.tensor4d(xv, c.x)).dataSync() as Float32Array);
      const h = 1e-2;
      for (const k of [0, 17, 50, xv.length - 1]) {
        const at = (delta: number) => {
          const shifted = Float32Array.from(xv);
          shifted[k] += delta;
          return tf.tidy(() => loss(tf.tensor4d(shifted, c.x)).dataSync()[0]);
        };
        const numeric = (at(h) - at(-h)) / (2 * h);
        expect(Math.abs(grad[k] - numeric), `entry ${k}`).toBeLessThanOrEqual(2e-2 * Math.max(1, Math.abs(numeric)));
      }
    });
  }
});
