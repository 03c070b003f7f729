/**
 * When the transposed BatchMatMul computes a·bᵀ as (b·aᵀ)ᵀ, and a dense layer's input gradient
 * through that path against central differences on both backends, with no leaks. Values against
 * the CPU backend for every transpose pattern are in register.test.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useBackend } from '../test-utils/backends';
import { swapPays } from './batch-matmul-transposed';

describe('BatchMatMul a·bᵀ computed transposed', () => {
  let tensorsBefore = 0;
  beforeEach(async () => {
    await useBackend('wasm');
    tensorsBefore = tf.memory().numTensors;
  });
  afterEach(() => {
    expect(tf.memory().numTensors, 'tensors leaked').toBe(tensorsBefore);
  });

  it('swaps only a·bᵀ of matrices whose b is worth not packing', () => {
    expect(swapPays([64, 120], [400, 120], false, true)).toBe(true); // LeNet-5 fc1's dy·Wᵀ
    expect(swapPays([1, 64, 120], [1, 400, 120], false, true)).toBe(true);
    expect(swapPays([64, 84], [120, 84], false, true)).toBe(false); // fc2: no gain
    expect(swapPays([64, 120], [400, 120], true, true)).toBe(false);
    expect(swapPays([64, 120], [400, 120], false, false)).toBe(false);
    expect(swapPays([2, 64, 120], [2, 400, 120], false, true)).toBe(false); // a real batch
  });

  it('G·Wᵀ of the test is one the kernel swaps', () => {
    expect(swapPays([3, 40], [5, 40], false, true)).toBe(true);
  });

  for (const backend of ['cpu', 'wasm'] as const) {
    it(`a dense input gradient dy·Wᵀ equals central differences (${backend})`, async () => {
      await useBackend(backend);
      const [m, k, n] = [3, 5, 40];
      const wv = Float32Array.from({ length: k * n }, (_, i) => Math.sin(i * 0.37));
      const gv = Float32Array.from({ length: m * n }, (_, i) => Math.cos(i * 0.53));
      // f(x) = Σ (x·W) ∘ G, so df/dx = G·Wᵀ: a·bᵀ with a = G [3,40], b = W [5,40] — swapped
      const f = (x: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x, tf.tensor2d(wv, [k, n])), tf.tensor2d(gv, [m, n])));
      const x0 = Float32Array.from({ length: m * k }, (_, i) => Math.sin(i * 1.1));
      const analytic = tf.tidy(() => Array.from(tf.grad(f)(tf.tensor2d(x0, [m, k])).dataSync()));
      const eps = 1e-2;
      for (let i = 0; i < x0.length; i++) {
        const at = (d: number) =>
          tf.tidy(() => {
            const x = x0.slice();
            x[i] += d;
            return f(tf.tensor2d(x, [m, k])).dataSync()[0];
          });
        const numeric = (at(eps) - at(-eps)) / (2 * eps);
        expect(Math.abs(numeric - analytic[i]), `element ${i}`).toBeLessThan(1e-2 * Math.max(1, Math.abs(numeric)));
      }
      // and the product itself, computed directly on the same backend
      const direct = tf.tidy(() => Array.from(tf.matMul(tf.tensor2d(gv, [m, n]), tf.tensor2d(wv, [k, n]), false, true).dataSync()));
      direct.forEach((v, i) => expect(Math.abs(v - analytic[i])).toBeLessThan(1e-4));
    });
  }
});
