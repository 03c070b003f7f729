/**
 * The input-gradient filter flip in JavaScript equals Reverse + Transpose (the composition it
 * replaces) for square, oblong and single-tap filters. The gradients it feeds are swept in
 * conv-gradients.test.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { useBackend } from '../test-utils/backends';
import { flipSwap } from './flip-filter';

describe('flipSwap', () => {
  for (const shape of [[5, 5, 6, 16], [3, 2, 4, 1], [1, 1, 3, 5], [2, 4, 1, 1]]) {
    it(`equals transpose(reverse(W, [0,1]), [0,1,3,2]) for ${shape}`, async () => {
      await useBackend('cpu');
      const before = tf.memory().numTensors;
      const n = shape.reduce((a, b) => a * b, 1);
      const w = Float32Array.from({ length: n }, (_, i) => i * 0.5 - 3);
      const want = tf.tidy(() => Array.from(tf.transpose(tf.reverse(tf.tensor(w, shape), [0, 1]), [0, 1, 3, 2]).dataSync()));
      const got = new Float32Array(n);
      flipSwap(w, got, shape);
      expect(Array.from(got)).toEqual(want);
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});
