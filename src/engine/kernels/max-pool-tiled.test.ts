/**
 * Bonsai's wasm MaxPool for exactly tiling 2×2 windows against the CPU backend, bit for bit
 * (Object.is: −0, NaN, ±∞ included) for several channel counts (groups of 4, 2 and 1 lanes);
 * the cases it hands to TF.js's kernel still agree with the CPU backend on ordinary values; no
 * engine tensor or wasm buffer leaks.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { checkWasmLeaks, useBackend } from '../test-utils/backends';
import { heapMemory, heapFunction } from './heap-wasm';
import { tiledMaxPoolModuleBytes } from './max-pool-tiled';

const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
const values = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.round(Math.sin(i * 0.37 + seed) * 4) / 2);

function pool(xv: Float32Array, shape: number[], filter: number, stride: number, pad: 'valid' | 'same'): { shape: number[]; data: Float32Array } {
  return tf.tidy(() => {
    const y = tf.maxPool(tf.tensor4d(xv, shape as [number, number, number, number]), filter, stride, pad);
    return { shape: y.shape, data: y.dataSync() as Float32Array };
  });
}

describe('wasm MaxPool, exactly tiling 2×2 windows', () => {
  checkWasmLeaks();

  for (const channels of [1, 2, 3, 4, 5, 6, 7, 16]) {
    it(`bit for bit the CPU backend, ${channels} channels, with NaN, ±∞ and ±0 ties`, async () => {
      const memory = heapMemory(tf.engine().findBackend('wasm'));
      const fn = memory && heapFunction(memory, `max-pool 2x2 ${channels}`, 'pool', () => tiledMaxPoolModuleBytes(channels));
      expect(fn, 'the wasm pass runs here').toBeTruthy();
      const shape = [2, 6, 4, channels];
      const specials = [NaN, -Infinity, Infinity, -0, 0];
      const xv = values(size(shape), channels).map((v, i) => (i % 5 === 0 ? specials[(i / 5) % specials.length] : v));
      const row = 4 * channels;
      for (const i of [0, channels, row, row + channels]) xv[i] = NaN; // a window of NaN → −∞ on the CPU
      const t = channels > 1 ? 1 : 2; // channel 1 of window (0,0), or window (0,1)
      [xv[t], xv[t + channels], xv[t + row], xv[t + row + channels]] = [-0, 0, -0, 0]; // ties of zeros → the first, −0
      const got = pool(xv, shape, 2, 2, 'valid');
      await useBackend('cpu');
      const want = pool(xv, shape, 2, 2, 'valid');
      expect(got.shape).toEqual(want.shape);
      expect(Array.from(got.data, (v, i) => Object.is(v, want.data[i]) || `${i}: ${v} vs ${want.data[i]}`).filter((r) => r !== true)).toEqual([]);
      expect(got.data[0]).toBe(-Infinity);
      expect(Object.is(got.data[1], -0), "the tie of zeros").toBe(true);
    });
  }

  const others: [number[], number, number, 'valid' | 'same'][] = [
    [[2, 7, 6, 3], 2, 2, 'valid'], // an odd row count: not tiled
    [[2, 6, 6, 3], 3, 2, 'same'],
    [[1, 5, 5, 2], 2, 1, 'valid'],
  ];
  for (const [shape, filter, stride, pad] of others) {
    it(`hands ${JSON.stringify(shape)} pool ${filter}/${stride} ${pad} to TF.js's kernel, matching the CPU backend`, async () => {
      const xv = values(size(shape), 1);
      const got = pool(xv, shape, filter, stride, pad);
      await useBackend('cpu');
      const want = pool(xv, shape, filter, stride, pad);
      expect(got.shape).toEqual(want.shape);
      expect(Array.from(got.data)).toEqual(Array.from(want.data));
    });
  }
});
