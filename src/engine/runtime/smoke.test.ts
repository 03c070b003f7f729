import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeEachBackend } from '../test-utils/backends';

describeEachBackend('backend smoke', (backend) => {
  it('runs a matmul', async () => {
    const a = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const b = tf.matMul(a, a);
    expect(Array.from(await b.data())).toEqual([7, 10, 15, 22]);
    expect(tf.getBackend()).toBe(backend);
    tf.dispose([a, b]);
  });
});
