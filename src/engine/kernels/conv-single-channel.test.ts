/**
 * The single-input-channel SIMD Conv2D (conv-single-channel.ts) against the CPU backend's Conv2D
 * on cpu and wasm: LeNet-5's conv1 geometry, 'same' / 'valid' / numeric / asymmetric explicit
 * padding, rows of whole 16-pixel blocks, a partial last block and only a partial block, odd
 * channel counts; NaN and ±∞ in x, ±∞ in a filter without padding. On wasm each case checks that
 * the pass ran (or, for the cases it must hand to TF.js's kernel, that it did not). Finite values
 * agree to 1e-5 of the largest magnitude (sums in the CPU backend's order, unfused multiply-add);
 * non-finite ones exactly. Nothing may leak: engine tensors and wasm buffers are counted.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useBackend, TEST_BACKENDS } from '../test-utils/backends';
import { singleChannelConvRuns } from './conv-single-channel';
import { randomValues } from './test-utils/conv-cases';
import type { Pad } from './conv-geometry';

interface Case {
  name: string;
  x: [number, number, number, number];
  filter: [number, number, number, number];
  pad: Pad;
  strides?: number;
  /** Whether the pass takes it on wasm. */
  simd: boolean;
  xSpecials?: boolean;
  filterSpecials?: boolean;
}

const CASES: Case[] = [
  { name: 'LeNet-5 conv1', x: [2, 28, 28, 1], filter: [5, 5, 1, 6], pad: 'same', simd: true },
  { name: 'conv1 geometry, small (one partial block a row)', x: [3, 9, 9, 1], filter: [5, 5, 1, 6], pad: 'same', simd: true },
  { name: 'whole blocks, no padding', x: [1, 6, 20, 1], filter: [3, 5, 1, 3], pad: 'valid', simd: true },
  { name: 'a partial last block, 8 channels', x: [2, 7, 35, 1], filter: [3, 3, 1, 8], pad: 'valid', simd: true },
  { name: 'numeric padding, 1×1, one channel', x: [2, 5, 4, 1], filter: [1, 1, 1, 1], pad: 1, simd: true },
  { name: 'asymmetric explicit padding, 7 channels', x: [1, 7, 5, 1], filter: [3, 3, 1, 7], pad: [[0, 0], [2, 0], [0, 1], [0, 0]], simd: true },
  { name: 'NaN and ±∞ in x', x: [2, 12, 19, 1], filter: [5, 5, 1, 6], pad: 'same', simd: true, xSpecials: true },
  { name: '±∞ in the filter, no padding', x: [2, 10, 21, 1], filter: [3, 3, 1, 6], pad: 'valid', simd: true, filterSpecials: true },
  // TF.js's kernel: padding times a non-finite weight, two input channels, stride 2, 9 output channels.
  { name: '±∞ in the filter with padding', x: [1, 8, 8, 1], filter: [3, 3, 1, 4], pad: 'same', simd: false, filterSpecials: true },
  { name: 'two input channels', x: [2, 8, 8, 2], filter: [3, 3, 2, 4], pad: 'same', simd: false },
  { name: 'stride 2', x: [2, 9, 9, 1], filter: [3, 3, 1, 4], pad: 'same', strides: 2, simd: false },
  { name: '9 output channels', x: [1, 8, 8, 1], filter: [3, 3, 1, 9], pad: 'valid', simd: false },
];

const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

function inputs(c: Case): { xv: Float32Array; wv: Float32Array } {
  const xv = randomValues(size(c.x), 3);
  const wv = randomValues(size(c.filter), 5);
  if (c.xSpecials === true) {
    xv[0] = NaN;
    xv[40] = Infinity;
    xv[41] = -Infinity; // windows holding both: NaN
    xv[100] = Infinity;
    xv[size(c.x) - 1] = -Infinity;
  }
  if (c.filterSpecials === true) {
    wv[0] = Infinity;
    wv[wv.length - 1] = -Infinity;
  }
  return { xv, wv };
}

function conv(c: Case, xv: Float32Array, wv: Float32Array): { shape: number[]; data: Float32Array } {
  return tf.tidy(() => {
    const y = tf.conv2d(tf.tensor4d(xv, c.x), tf.tensor4d(wv, c.filter), c.strides ?? 1, c.pad as 'same');
    return { shape: y.shape, data: y.dataSync() as Float32Array };
  });
}

function mismatches(got: Float32Array, want: Float32Array): string[] {
  let mag = 1;
  for (const v of want) if (Number.isFinite(v)) mag = Math.max(mag, Math.abs(v));
  const bad: string[] = [];
  for (let i = 0; i < want.length; i++) {
    const ok = Number.isFinite(want[i]) ? Math.abs(got[i] - want[i]) <= 1e-5 * mag : Object.is(got[i], want[i]);
    if (!ok) bad.push(`${i}: ${got[i]} vs ${want[i]}`);
  }
  return bad.slice(0, 10);
}

for (const backend of TEST_BACKENDS) {
  describe(`single-input-channel Conv2D on ${backend}`, () => {
    let tensorsBefore = 0;
    let idsBefore = 0;
    beforeEach(async () => {
      await useBackend(backend);
      tensorsBefore = tf.memory().numTensors;
      idsBefore = tf.engine().findBackend(backend).numDataIds();
    });
    afterEach(async () => {
      await useBackend(backend);
      expect(tf.memory().numTensors, 'tensors leaked').toBe(tensorsBefore);
      expect(tf.engine().findBackend(backend).numDataIds(), 'backend buffers leaked').toBe(idsBefore);
    });

    for (const c of CASES) {
      it(`${c.name}: x [${c.x}] * [${c.filter}] ${JSON.stringify(c.pad)} matches the CPU backend${backend === 'wasm' ? (c.simd ? ', in the SIMD pass' : ", in TF.js's kernel") : ''}`, async () => {
        const { xv, wv } = inputs(c);
        const before = singleChannelConvRuns.count;
        const got = conv(c, xv, wv);
        const ran = singleChannelConvRuns.count - before;
        if (backend === 'wasm') expect(ran, 'runs of the SIMD pass').toBe(c.simd ? 1 : 0);
        else expect(ran).toBe(0);
        await useBackend('cpu');
        const want = conv(c, xv, wv);
        expect(got.shape).toEqual(want.shape);
        if (c.simd || backend === 'cpu') {
          expect(mismatches(got.data, want.data)).toEqual([]);
        } else if (c.filterSpecials !== true) {
          expect(mismatches(got.data, want.data)).toEqual([]);
        }
        if (c.xSpecials === true) {
          expect(want.data.some(Number.isNaN), 'the case has NaN outputs').toBe(true);
          expect(want.data.some((v) => v === Infinity) && want.data.some((v) => v === -Infinity), 'and ±∞').toBe(true);
        }
        if (c.filterSpecials === true && c.simd) expect(want.data.some((v) => !Number.isFinite(v))).toBe(true);
      });
    }
  });
}
