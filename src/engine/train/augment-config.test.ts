import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DatasetSplit } from '../data/types';
import { BonsaiError } from '../errors';
import { describeEachBackend } from '../test-utils/backends';
import { seededShift } from '../data/augment';
import { disposeSplit, mnistSplit } from '../test-utils/train-fixtures';
import { trainModel, type TrainConfig } from './loop';

const CFG: TrainConfig = { epochs: 2, batchSize: 32, learningRate: 0.005, optimizer: 'adam', seed: 5 };

function imageClassifier(): tfl.LayersModel {
  const m = tfl.sequential();
  m.add(tfl.layers.flatten({ inputShape: [28, 28, 1] }));
  m.add(tfl.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) }));
  return m;
}

async function losses(train: DatasetSplit, cfg: TrainConfig, hooks = {}): Promise<number[]> {
  const model = imageClassifier();
  try {
    return (await trainModel(model, { train }, cfg, { hooks })).epochs.map((e) => e.loss);
  } finally {
    model.dispose();
  }
}

describeEachBackend("TrainConfig.augment: 'shift'", () => {
  let train: DatasetSplit;
  beforeAll(() => {
    train = mnistSplit('train', 128);
  });
  afterAll(() => disposeSplit(train));

  it('shifts each training batch, reproducibly from the seed, and leaks nothing', async () => {
    const before = tf.memory().numTensors;
    const plain = await losses(train, CFG);
    const shifted = await losses(train, { ...CFG, augment: 'shift' });
    const again = await losses(train, { ...CFG, augment: 'shift' });
    const otherSeed = await losses(train, { ...CFG, augment: 'shift', seed: 6 });
    expect(shifted).toEqual(again);
    expect(shifted).not.toEqual(plain);
    expect(otherSeed).not.toEqual(shifted);
    expect(await losses(train, { ...CFG, augment: 'none' })).toEqual(plain);
    // The same pixels as every other seeded shift in Bonsai (distillation, search retraining).
    expect(await losses(train, CFG, { augment: (xs: tf.Tensor, step: number) => seededShift(xs, step, CFG.seed) })).toEqual(shifted);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("a caller's augment hook still runs, once a step, with the shift on", async () => {
    const before = tf.memory().numTensors;
    const seen: number[] = [];
    const hook = (xs: tf.Tensor, step: number) => {
      seen.push(step);
      return tf.mul(xs, 1);
    };
    const withHook = await losses(train, { ...CFG, augment: 'shift' }, { augment: hook });
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(withHook).toEqual(await losses(train, { ...CFG, augment: 'shift' }));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is refused for data that is not images, and an unknown value is refused', async () => {
    const before = tf.memory().numTensors;
    const flat: DatasetSplit = { xs: tf.reshape(train.xs, [train.count, 784]), ys: train.ys, count: train.count };
    const mlp = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [784], units: 10, activation: 'softmax' })] });
    try {
      const err = await trainModel(mlp, { train: flat }, { ...CFG, augment: 'shift' }).catch((e) => e);
      expect(err).toBeInstanceOf(BonsaiError);
      expect((err as BonsaiError).code).toBe('BAD_CONFIG');
      expect((err as Error).message).toMatch(/moves images.*\[128, 784\]/);
      // What to do, wherever the setting came from: the fine-tune checkbox or a recipe's JSON.
      expect((err as BonsaiError).hint).toMatch(/untick “Random ±2 px shifts” under Fine-tune, or in a recipe’s steps \(JSON\) set "augment" to "none"/);
      const bad = await trainModel(mlp, { train: flat }, { ...CFG, augment: 'flip' as never }).catch((e) => e);
      expect((bad as BonsaiError).code).toBe('BAD_CONFIG');
      expect((bad as Error).message).toMatch(/augment must be one of none, shift/);
    } finally {
      mlp.dispose();
      flat.xs.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
