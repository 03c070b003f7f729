import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { expect, it } from 'vitest';
import { BonsaiError, isAbortError } from '../errors';
import { disposeLoaded } from '../model/load';
import type { LoadedModel } from '../model/loaded';
import { describeEachBackend } from '../test-utils/backends';
import { loadedGraph, loadedLayers, opNode, placeholder } from '../test-utils/model-fixtures';
import { evaluateAccuracy } from './accuracy';

/**
 * y = [x0, x1, 0.5]: class 0 if x0 is largest, 1 if x1 is, 2 when both are below 0.5.
 * Inputs and labels below give (true → predicted): 0→0, 1→1, 1→2, 2→2, 2→0.
 */
const KERNEL = [1, 0, 0, 0, 1, 0];
const BIAS = [0, 0, 0.5];
const XS = [[1, 0], [0, 1], [0, 0], [0.2, 0.1], [2, 1]];
const LABELS = [0, 1, 1, 2, 2];
const CONFUSION = [[1, 0, 0], [0, 1, 1], [1, 0, 1]];

function layersModel(): tfl.LayersModel {
  const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 3, inputShape: [2] })] });
  const w = [tf.tensor2d(KERNEL, [2, 3]), tf.tensor1d(BIAS)];
  model.setWeights(w);
  tf.dispose(w);
  return model;
}

const graphModel = () =>
  loadedGraph(
    [placeholder('x', [-1, 2]), opNode('mm', 'MatMul', ['x', 'w'], { transpose_a: { b: false }, transpose_b: { b: false } }), opNode('out', 'BiasAdd', ['mm', 'b'])],
    [{ name: 'w', shape: [2, 3], values: KERNEL }, { name: 'b', shape: [3], values: BIAS }],
  );

function withSplit<T>(fn: (split: { xs: tf.Tensor; ys: tf.Tensor; count: number }) => Promise<T>): Promise<T> {
  const xs = tf.tensor2d(XS);
  const ys = tf.tidy(() => tf.oneHot(tf.tensor1d(LABELS, 'int32'), 3));
  return fn({ xs, ys, count: XS.length }).finally(() => tf.dispose([xs, ys]));
}

async function error(p: Promise<unknown>): Promise<BonsaiError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(BonsaiError);
  return e as BonsaiError;
}

describeEachBackend('evaluateAccuracy', () => {
  it.each([
    ['LayersModel', async (): Promise<LoadedModel> => loadedLayers(layersModel())],
    ['GraphModel', graphModel],
  ])('matches the hand-computed confusion matrix (%s, batches of 2)', async (_, make) => {
    const loaded = await make();
    try {
      const progress: [number, number][] = [];
      const r = await withSplit((split) => evaluateAccuracy(loaded, split, { batchSize: 2, onProgress: (d, t) => progress.push([d, t]) }));
      expect(r.confusion).toEqual(CONFUSION);
      expect(r.accuracy).toBeCloseTo(3 / 5, 10);
      expect(r.count).toBe(5);
      expect(r.perClassAccuracy).toEqual([1, 0.5, 0.5]);
      expect(progress).toEqual([[2, 5], [4, 5], [5, 5]]);
    } finally {
      disposeLoaded(loaded);
    }
  });

  it('refuses unlabeled data, wrong class counts and wrong input shapes', async () => {
    const loaded = await loadedLayers(layersModel());
    const xs = tf.tensor2d(XS);
    const ys4 = tf.tidy(() => tf.oneHot(tf.tensor1d(LABELS, 'int32'), 4));
    const x3 = tf.zeros([5, 3]);
    try {
      expect((await error(evaluateAccuracy(loaded, { xs, ys: null, count: 5 }))).code).toBe('UNLABELED_DATA');
      const mismatch = await error(evaluateAccuracy(loaded, { xs, ys: ys4, count: 5 }));
      expect(mismatch.code).toBe('OUTPUT_MISMATCH');
      expect(mismatch.message).toMatch(/3 classes.*4/);
      const shape = await error(evaluateAccuracy(loaded, { xs: x3, ys: ys4, count: 5 }));
      expect(shape.code).toBe('WRONG_INPUT_SHAPE');
      expect(shape.message).toMatch(/\[3\].*\[2\]/);
    } finally {
      tf.dispose([xs, ys4, x3]);
      disposeLoaded(loaded);
    }
  });

  it('reshapes [n, 1, 2, 1] examples into a [2]-input model, and stops on abort', async () => {
    const loaded = await loadedLayers(layersModel());
    try {
      const r = await withSplit(async ({ xs, ys, count }) => {
        const images = tf.reshape(xs, [count, 1, 2, 1]);
        try {
          return await evaluateAccuracy(loaded, { xs: images, ys, count });
        } finally {
          images.dispose();
        }
      });
      expect(r.confusion).toEqual(CONFUSION);
      const ac = new AbortController();
      ac.abort();
      const aborted = await withSplit((split) => evaluateAccuracy(loaded, split, { signal: ac.signal }).catch((e: unknown) => e));
      expect(isAbortError(aborted)).toBe(true);
    } finally {
      disposeLoaded(loaded);
    }
  });
});
