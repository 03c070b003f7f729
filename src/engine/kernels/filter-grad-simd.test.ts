/**
 * The SIMD-sweep Conv2DBackpropFilter (filter-grad-simd.ts) against the CPU backend's kernel with
 * identical inputs — 'same', 'valid', numeric and asymmetric explicit padding, O not a multiple
 * of 4, rows split over several sweeps, NaN — and against central differences of the loss on both
 * backends. Each case first checks that the sweep really runs on wasm here (it is not the composed
 * fallback being tested). Nothing may leak: engine tensors and wasm buffers are counted.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { checkWasmLeaks, useBackend } from '../test-utils/backends';
import { forwardAxes, type Pad } from './conv-geometry';
import { simdFilterGrad } from './filter-grad-simd';
import { withKernelScope } from './kernel-scope';
import { randomValues, scaledMaxError } from './test-utils/conv-cases';

interface Case {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  pad: Pad;
}

const CASES: Case[] = [
  { x: [3, 9, 9, 1], filter: [5, 5, 1, 6], pad: 'same' }, // LeNet-5 conv1, small
  { x: [2, 8, 7, 6], filter: [5, 5, 6, 16], pad: 'valid' }, // LeNet-5 conv2: KW·C = 30 over 15 sweeps
  { x: [2, 6, 6, 3], filter: [3, 2, 3, 5], pad: 1 },
  { x: [1, 7, 5, 2], filter: [3, 3, 2, 3], pad: [[0, 0], [2, 0], [0, 1], [0, 0]] },
  { x: [2, 5, 4, 1], filter: [1, 1, 1, 1], pad: 'valid' },
  { x: [1, 6, 6, 4], filter: [4, 4, 4, 9], pad: 'same' },
];

const attrsOf = (c: Case) => ({ strides: 1, dilations: 1, pad: c.pad, dataFormat: 'NHWC' as const, filterShape: c.filter });

function dyShape(c: Case): number[] {
  const [h, w] = forwardAxes(c.x, c.filter, attrsOf(c), false);
  return [c.x[0], h.outSize, w.outSize, c.filter[3]];
}

function filterGrad(c: Case, xv: Float32Array, dyv: Float32Array): Float32Array {
  return tf.tidy(() => {
    const x = tf.tensor4d(xv, c.x);
    const dy = tf.tensor(dyv, dyShape(c));
    const dW = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrsOf(c) as unknown as tf.NamedAttrMap) as tf.Tensor;
    return dW.dataSync() as Float32Array;
  });
}

/** True when the sweep (not the composed kernel) computes this case on the active backend. */
function sweepRuns(c: Case): boolean {
  return tf.tidy(() => {
    const x = tf.zeros(c.x);
    const dy = tf.zeros(dyShape(c));
    const backend = tf.engine().backend;
    const [h, w] = forwardAxes(c.x, c.filter, attrsOf(c), false);
    let ran = false;
    const info = (t: tf.Tensor) => ({ dataId: t.dataId, shape: t.shape, dtype: t.dtype });
    const out = withKernelScope(backend, 'wasm', (scope) => {
      const r = simdFilterGrad(scope, backend, info(x), info(dy), h, w, c.filter);
      ran = r !== null;
      return r ?? scope.zeros(c.filter);
    });
    backend.disposeData(out.dataId);
    return ran;
  });
}

describe('wasm Conv2DBackpropFilter: SIMD sweep', () => {
  checkWasmLeaks();

  for (const [i, c] of CASES.entries()) {
    it(`matches the CPU backend: x [${c.x}], filter [${c.filter}], pad ${JSON.stringify(c.pad)}`, async () => {
      expect(sweepRuns(c), 'the sweep should run here').toBe(true);
      const xv = randomValues(c.x.reduce((a, b) => a * b, 1), 11 + i);
      const dyv = randomValues(dyShape(c).reduce((a, b) => a * b, 1), 29 + i);
      const actual = filterGrad(c, xv, dyv);
      await useBackend('cpu');
      const expected = filterGrad(c, xv, dyv);
      expect(scaledMaxError(actual, expected)).toBeLessThanOrEqual(1e-5);
    });
  }

  // An interior pixel: every tap reads it from inside the image. (At the border the CPU backend
  // skips padded taps, while here — as in the composed XNNPACK kernel — padding is 0 and 0 · NaN is NaN.)
  it('propagates NaN where the CPU backend does, and only there', async () => {
    const c = CASES[0];
    const xv = randomValues(c.x.reduce((a, b) => a * b, 1), 5);
    const dyv = randomValues(dyShape(c).reduce((a, b) => a * b, 1), 6);
    dyv[(4 * 9 + 4) * 6] = NaN; // image 0, pixel (4, 4), channel 0 — pixel (4, 3)'s padding lanes read it too: only o = 0 turns NaN
    const actual = filterGrad(c, xv, dyv);
    await useBackend('cpu');
    const expected = filterGrad(c, xv, dyv);
    expect(Array.from(actual, Number.isNaN)).toEqual(Array.from(expected, Number.isNaN));
    expect(actual.some(Number.isNaN)).toBe(true);
    expect(actual.some((v) => !Number.isNaN(v))).toBe(true);
  });

  for (const backend of ['cpu', 'wasm'] as const) {
    it(`equals central differences of the loss (${backend})`, async () => {
      await useBackend(backend);
      // Not CASES[2]: TF.js 4.22's wasm forward Conv2D corrupts the heap for a 2-wide filter with pad 1.
      const c: Case = { x: [2, 6, 6, 2], filter: [3, 3, 2, 5], pad: 'same' };
      const xv = randomValues(c.x.reduce((a, b) => a * b, 1), 3);
      const wv = randomValues(c.filter.reduce((a, b) => a * b, 1), 4);
      const weights = randomValues(dyShape(c).reduce((a, b) => a * b, 1), 8);
      const loss = (f: tf.Tensor4D) =>
        tf.tidy(() => tf.sum(tf.mul(tf.conv2d(tf.tensor4d(xv, c.x), f, 1, c.pad as 'same'), tf.tensor(weights, dyShape(c)))));
      const grad = tf.tidy(() => tf.grad((f: tf.Tensor) => loss(f as tf.Tensor4D))(tf.tensor4d(wv, c.filter)).dataSync() as Float32Array);
      const h = 1e-2;
      for (const k of [0, 7, 31, wv.length - 1]) {
        const at = (delta: number) => {
          const shifted = Float32Array.from(wv);
          shifted[k] += delta;
          return tf.tidy(() => loss(tf.tensor4d(shifted, c.filter)).dataSync()[0]);
        };
        const numeric = (at(h) - at(-h)) / (2 * h);
        expect(Math.abs(grad[k] - numeric), `entry ${k}`).toBeLessThanOrEqual(2e-2 * Math.max(1, Math.abs(numeric)));
      }
    });
  }
});
