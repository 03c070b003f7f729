import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Dataset } from '../data/types';
import { describeEachBackend } from '../test-utils/backends';
import { loadedLayers } from '../test-utils/model-fixtures';
import { denseClassifier, disposeSplit, mnistSplit } from '../test-utils/train-fixtures';
import type { LoadedModel } from '../model/loaded';
import { disposeFitted, fitDataset, VALIDATION_SEED } from './fit-data';

describeEachBackend('fitDataset', () => {
  let dataset: Dataset;
  let mlp: LoadedModel;
  beforeAll(async () => {
    const train = mnistSplit('train', 400);
    const test = mnistSplit('test', 100);
    dataset = { name: 'mnist (400)', kind: 'mnist', inputShape: [28, 28, 1], numClasses: 10, classNames: [...'0123456789'], train, test, seed: 42 };
    mlp = await loadedLayers(denseClassifier({ inputs: 784, hidden: [8], classes: 10 }));
  });
  afterAll(() => {
    disposeSplit(dataset.train);
    disposeSplit(dataset.test);
    if (mlp.format === 'layers') mlp.model.dispose();
  });

  it('carves a seeded stratified validation split from train; test stays apart and whole', async () => {
    const f = await fitDataset(mlp, dataset);
    try {
      const { train, validation } = f.data;
      expect(train!.count + validation!.count).toBe(400);
      expect(validation!.count).toBeGreaterThanOrEqual(45);
      expect(validation!.count).toBeLessThanOrEqual(55);
      expect(f.test!.count).toBe(100);
      // Reshaped to the model's [784] input.
      expect(train!.xs.shape).toEqual([train!.count, 784]);
      expect(f.description).toBe(`${train!.count} train / ${validation!.count} validation (seed ${VALIDATION_SEED}) / 100 test`);
      // Every class of the 400 shows up in validation (stratified).
      const read = async (t: tf.Tensor) => {
        try {
          return await t.data();
        } finally {
          t.dispose();
        }
      };
      const classes = new Set(await read(tf.argMax(validation!.ys!, 1)));
      expect(classes.size).toBe(10);
      // No validation example is also a training example: row sums identify images here.
      const sums = (s: tf.Tensor) => read(tf.sum(s, 1));
      const trainSums = new Set(await sums(train!.xs));
      const overlap = [...(await sums(validation!.xs))].filter((v) => trainSums.has(v));
      expect(overlap.length).toBeLessThan(3); // equal sums by chance only
      // Deterministic: the same split again.
      const again = await fitDataset(mlp, dataset);
      expect(await again.data.validation!.xs.data()).toEqual(await validation!.xs.data());
      disposeFitted(again);
    } finally {
      disposeFitted(f);
    }
  });

  it('a dataset that does not fit gives a note (or WRONG_INPUT_SHAPE when strict), and no tensors', async () => {
    const small = await loadedLayers(denseClassifier({ inputs: 10, hidden: [4], classes: 10 }));
    try {
      const f = await fitDataset(small, dataset);
      expect(f.data).toEqual({});
      expect(f.note).toMatch(/does not fit/);
      await expect(fitDataset(small, dataset, { strict: true })).rejects.toMatchObject({ code: 'WRONG_INPUT_SHAPE' });
      expect((await fitDataset(small, undefined)).note).toMatch(/No dataset/);
    } finally {
      if (small.format === 'layers') small.model.dispose();
    }
  });

  it('carve: false hands over the whole train split (evaluation)', async () => {
    const f = await fitDataset(mlp, dataset, { carve: false });
    try {
      expect(f.data.train!.count).toBe(400);
      expect(f.data.validation).toBeUndefined();
    } finally {
      disposeFitted(f);
    }
  });
});
