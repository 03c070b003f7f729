/**
 * The buffer-sharing Identity and same-dtype Cast on wasm: values equal the input's, the result
 * outlives its input, a dtype-changing Cast still converts, gradients through saved tensors still
 * match the CPU backend and central differences, and nothing leaks (engine tensors, wasm buffers).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { checkWasmLeaks, useBackend } from '../test-utils/backends';

function wasmDataIds(): number {
  return tf.engine().findBackend('wasm').numDataIds();
}

/** f(x) = Σ exp(x)·relu(x) — Exp and Relu save tensors for the backward pass (engine Identity). */
function f(x: tf.Tensor): tf.Scalar {
  return tf.sum(tf.mul(tf.exp(x), tf.relu(x)));
}

const VALUES = Float32Array.from({ length: 24 }, (_, i) => Math.sin(i * 1.3) * 1.5);

describe('wasm Identity / Cast share the buffer', () => {
  checkWasmLeaks();

  it('Identity and same-dtype Cast share; the result outlives its input', () => {
    const idsBefore = wasmDataIds();
    const x = tf.tensor2d(VALUES, [4, 6]);
    const bytes = tf.memory().numBytes;
    const id = tf.engine().runKernel('Identity', { x }) as tf.Tensor;
    const cast = tf.cast(x, 'float32');
    expect(wasmDataIds(), 'no new buffer').toBe(idsBefore + 1);
    x.dispose();
    expect(Array.from(id.dataSync())).toEqual(Array.from(VALUES));
    expect(Array.from(cast.dataSync())).toEqual(Array.from(VALUES));
    expect(id.shape).toEqual([4, 6]);
    tf.dispose([id, cast]);
    expect(tf.memory().numBytes).toBeLessThan(bytes);
  });

  it('a dtype-changing Cast still converts', () => {
    tf.tidy(() => {
      const x = tf.tensor1d([1.7, -2.2, 0, 3]);
      expect(Array.from(tf.cast(x, 'int32').dataSync())).toEqual([1, -2, 0, 3]);
      expect(tf.cast(tf.tensor1d([1, 0], 'int32'), 'float32').dtype).toBe('float32');
    });
  });

  it('gradients through saved tensors match the CPU backend and central differences', async () => {
    const grad = () => tf.tidy(() => Array.from(tf.grad(f)(tf.tensor2d(VALUES, [4, 6])).dataSync()));
    const got = grad();
    await useBackend('cpu');
    const want = grad();
    await useBackend('wasm');
    got.forEach((g, i) => expect(Math.abs(g - want[i])).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(want[i]))));
    const eps = 1e-2;
    const at = (v: Float32Array) => tf.tidy(() => f(tf.tensor2d(v, [4, 6])).dataSync()[0]);
    for (let i = 0; i < VALUES.length; i++) {
      if (Math.abs(VALUES[i]) < 2 * eps) continue; // relu's kink
      const plus = VALUES.slice();
      const minus = VALUES.slice();
      plus[i] += eps;
      minus[i] -= eps;
      const numeric = (at(plus) - at(minus)) / (2 * eps);
      expect(Math.abs(numeric - got[i]), `element ${i}`).toBeLessThan(1e-2 * Math.max(1, Math.abs(numeric)));
    }
  });
});
