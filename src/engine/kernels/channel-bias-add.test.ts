/**
 * The per-channel bias Add on wasm: bit-identical to the CPU backend's Add for every bias form and
 * operand order, the cases it hands to TF.js's kernel still right, the gradients of a biased
 * convolution layer against the CPU backend and central differences, and no leaks.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { checkWasmLeaks, useBackend } from '../test-utils/backends';
import { isChannelBias } from './channel-bias-add';
import { biasAddFunction } from './channel-bias-add-wasm';
import { heapMemory } from './heap-wasm';


const values = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.61 + seed) * 3);
const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

const CASES: [number[], number[], boolean][] = [
  [[64, 28, 28, 6], [6], false], // LeNet-5 conv1's bias
  [[4, 10, 10, 16], [1, 1, 1, 16], false],
  [[3, 5, 7], [7], true], // bias first
  [[5, 2], [1, 2], false],
  [[4, 6], [4, 6], false], // no broadcast: TF.js's kernel
  [[4, 6], [4, 1], false], // broadcasts another axis: TF.js's kernel
  [[2, 64], [64], false], // wide rows: TF.js's kernel
  [[6], [6], false],
];

describe('wasm Add of a per-channel bias', () => {
  checkWasmLeaks();

  it('recognises a last-axis bias of at most 32 channels only', () => {
    expect(isChannelBias([64, 28, 28, 6], [6])).toBe(true);
    expect(isChannelBias([64, 28, 28, 6], [1, 1, 6])).toBe(true);
    expect(isChannelBias([64, 6], [64, 6])).toBe(false);
    expect(isChannelBias([64, 6], [64, 1])).toBe(false);
    expect(isChannelBias([6], [6])).toBe(false);
    expect(isChannelBias([2, 64], [64])).toBe(false);
    expect(isChannelBias([2, 6], [1, 1, 6])).toBe(false);
  });

  for (const [xs, bs, biasFirst] of CASES) {
    it(`bit-identical to the CPU backend: ${JSON.stringify(xs)} + ${JSON.stringify(bs)}${biasFirst ? ', bias first' : ''}`, async () => {
      const [xv, bv] = [values(size(xs), 1), values(size(bs), 2)];
      const run = () =>
        tf.tidy(() => {
          const [x, b] = [tf.tensor(xv, xs), tf.tensor(bv, bs)];
          const y = biasFirst ? tf.add(b, x) : tf.add(x, b);
          return { shape: y.shape, data: Array.from(y.dataSync()) };
        });
      const got = run();
      await useBackend('cpu');
      const want = run();
      expect(got.shape).toEqual(want.shape);
      expect(got.data).toEqual(want.data);
    });
  }

  it('the wasm pass: bit-identical with NaN, ±∞, −0 and a tail shorter than lcm(C, 4)', async () => {
    const memory = heapMemory(tf.engine().findBackend('wasm'));
    expect(memory && biasAddFunction(memory, 6), 'the wasm function runs here').toBeTruthy();
    const xs = [1, 3, 5, 6]; // 90 floats: 7 chunks of 12, then 6 in JavaScript
    const specials = [NaN, Infinity, -Infinity, -0, 0, 3.4e38];
    const xv = values(size(xs), 5).map((v, i) => (i % 5 === 0 ? specials[(i / 5) % specials.length] : v));
    const bv = Float32Array.from([-0, Infinity, 1e-45, 3.4e38, NaN, -2.5]);
    const run = () =>
      tf.tidy(() => Array.from(tf.add(tf.tensor(xv, xs), tf.tensor1d(bv)).dataSync()));
    const got = run();
    await useBackend('cpu');
    const want = run();
    expect(got.map((v, i) => Object.is(v, want[i]) || `${i}: ${v} vs ${want[i]}`).filter((r) => r !== true)).toEqual([]);
  });

  it('int32 goes to TF.js’s kernel', () => {
    tf.tidy(() => {
      const y = tf.add(tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32'), tf.tensor1d([10, 20], 'int32'));
      expect(y.dtype).toBe('int32');
      expect(Array.from(y.dataSync())).toEqual([11, 22, 13, 24]);
    });
  });

  it('a biased convolution layer’s gradients match the CPU backend and central differences', async () => {
    const xv = values(2 * 6 * 6 * 2, 3);
    const wv = values(3 * 3 * 2 * 4, 4).map((v) => v / 3);
    const loss = (w: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.add(tf.conv2d(tf.tensor4d(xv, [2, 6, 6, 2]), w as tf.Tensor4D, 1, 'same'), b)));
    const b0 = Float32Array.from([0.5, -0.25, 0.1, 0.3]);
    const grads = () =>
      tf.tidy(() => tf.grads(loss)([tf.tensor4d(wv, [3, 3, 2, 4]), tf.tensor1d(b0)]).map((g) => Array.from(g.dataSync())));
    const got = grads();
    await useBackend('cpu');
    const want = grads();
    await useBackend('wasm');
    got.forEach((g, k) => g.forEach((v, i) => expect(Math.abs(v - want[k][i])).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(want[k][i])))));
    const eps = 1e-2;
    for (let i = 0; i < b0.length; i++) {
      const at = (d: number) =>
        tf.tidy(() => {
          const b = b0.slice();
          b[i] += d;
          return loss(tf.tensor4d(wv, [3, 3, 2, 4]), tf.tensor1d(b)).dataSync()[0];
        });
      const numeric = (at(eps) - at(-eps)) / (2 * eps);
      expect(Math.abs(numeric - got[1][i]), `bias ${i}`).toBeLessThan(1e-2 * Math.max(1, Math.abs(numeric)));
    }
  });
});
