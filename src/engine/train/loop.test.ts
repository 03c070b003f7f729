import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetSplit } from '../data/types';
import { BonsaiError, isAbortError } from '../errors';
import { describeEachBackend } from '../test-utils/backends';
import { denseClassifier, disposeSplit, mnistSplit, weightValues } from '../test-utils/train-fixtures';
import { validateTrainConfig } from './config';
import { learningRateAt } from './meta';
import { trainModel, type TrainConfig, type TrainProgress } from './loop';
import { epochSeed, seededPermutation } from './shuffle';

const BASE: TrainConfig = { epochs: 2, batchSize: 64, learningRate: 0.005, optimizer: 'adam', seed: 7 };
const mlp = (seed = 1) => denseClassifier({ inputs: 784, hidden: [32], classes: 10, seed });

async function expectBonsai(p: Promise<unknown>, code: string): Promise<BonsaiError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(BonsaiError);
  expect((e as BonsaiError).code).toBe(code);
  return e as BonsaiError;
}

describe('training config and shuffle', () => {
  it.each([
    [{ epochs: 0 }, /epochs/],
    [{ epochs: 1.5 }, /epochs/],
    [{ batchSize: 0 }, /batchSize/],
    [{ batchSize: 4097 }, /batchSize/],
    [{ learningRate: 0 }, /learningRate/],
    [{ learningRate: Infinity }, /learningRate/],
    [{ learningRate: NaN }, /learningRate/],
    [{ optimizer: 'lbfgs' }, /optimizer/],
    [{ seed: 0.5 }, /seed/],
    [{ maxBatchesPerEpoch: 0 }, /maxBatchesPerEpoch/],
    [{ lrSchedule: 'step' }, /lrSchedule/],
  ] as [Partial<TrainConfig>, RegExp][])('refuses %j with BAD_CONFIG', (patch, pattern) => {
    let err: unknown;
    try {
      validateTrainConfig({ ...BASE, ...patch });
    } catch (e) {
      err = e;
    }
    expect((err as BonsaiError).code).toBe('BAD_CONFIG');
    expect((err as BonsaiError).message).toMatch(pattern);
    expect((err as BonsaiError).hint).toBeTruthy();
  });

  it('accepts the bounds', () => {
    expect(() => validateTrainConfig({ ...BASE, batchSize: 1 })).not.toThrow();
    expect(() => validateTrainConfig({ ...BASE, batchSize: 4096, maxBatchesPerEpoch: 1 })).not.toThrow();
  });

  it('cosine schedule: the full rate at step 1, half at the middle, 0 at the last step; constant never moves', () => {
    const c = { learningRate: 0.01, lrSchedule: 'cosine' as const };
    expect(learningRateAt(c, 1, 11)).toBeCloseTo(0.01, 12);
    expect(learningRateAt(c, 6, 11)).toBeCloseTo(0.005, 12);
    expect(learningRateAt(c, 11, 11)).toBeCloseTo(0, 12);
    expect(learningRateAt(c, 3, 11)).toBeGreaterThan(learningRateAt(c, 4, 11));
    expect(learningRateAt({ learningRate: 0.01 }, 11, 11)).toBe(0.01);
    expect(learningRateAt({ learningRate: 0.01, lrSchedule: 'constant' }, 6, 11)).toBe(0.01);
    expect(learningRateAt(c, 1, 1)).toBe(0.01);
  });

  it('shuffles deterministically, differently per epoch', () => {
    const a = seededPermutation(100, epochSeed(7, 1));
    expect(Array.from(a)).toEqual(Array.from(seededPermutation(100, epochSeed(7, 1))));
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(Array.from(a)).not.toEqual(Array.from(seededPermutation(100, epochSeed(7, 2))));
    expect(Array.from(a)).not.toEqual(Array.from(seededPermutation(100, epochSeed(8, 1))));
  });
});

describeEachBackend('trainModel (Dense on MNIST)', () => {
  let train: DatasetSplit;
  let validation: DatasetSplit;
  beforeAll(() => {
    train = mnistSplit('train', 512);
    validation = mnistSplit('test', 256);
  });
  afterAll(() => {
    disposeSplit(train);
    disposeSplit(validation);
  });

  it('reduces the loss, validates each epoch and reports throttled progress', async () => {
    const model = mlp();
    const events: TrainProgress[] = [];
    try {
      const h = await trainModel(model, { train, validation }, BASE, { onProgress: (p) => events.push(p) });
      expect(h.epochs).toHaveLength(2);
      expect(h.epochs[1].loss).toBeLessThan(h.epochs[0].loss);
      expect(h.epochs[1].valAccuracy).toBeGreaterThan(0.5);
      expect(h.epochs[1].valLoss).toBeLessThan(h.epochs[0].valLoss!);
      expect(h.samplesPerSec).toBeGreaterThan(0);
      expect(h.stoppedEarly).toBe(false);
      const ends = events.filter((e) => e.epochDone);
      expect(ends.map((e) => e.epoch)).toEqual([1, 2]);
      expect(ends[1]).toMatchObject({ step: 16, batch: 8, batchesPerEpoch: 8, phase: 'validate', valAccuracy: h.epochs[1].valAccuracy });
      expect(events.length).toBeLessThanOrEqual(2 + Math.ceil(h.epochs.reduce((s, e) => s + e.seconds, 0) * 10) + 2);
    } finally {
      model.dispose();
    }
  });

  it('gives the identical loss history for the same seed', async () => {
    const run = async (seed: number) => {
      const model = mlp();
      try {
        const h = await trainModel(model, { train }, { ...BASE, seed, maxBatchesPerEpoch: 3 });
        return h.epochs.map((e) => e.loss);
      } finally {
        model.dispose();
      }
    };
    const a = await run(7);
    expect(await run(7)).toEqual(a);
    expect(await run(8)).not.toEqual(a);
  });

  it.each(['sgd', 'adam'] as const)('%s with a cosine schedule: the rate reaches 0, so the last step leaves the weights as they were', async (optimizer) => {
    const run = async (lrSchedule: 'constant' | 'cosine') => {
      const model = mlp();
      const after: Float32Array[][] = [];
      try {
        await trainModel(model, { train }, { ...BASE, optimizer, learningRate: 0.05, epochs: 2, maxBatchesPerEpoch: 2, lrSchedule }, {
          hooks: { afterStep: () => void after.push(weightValues(model)) },
        });
        return after;
      } finally {
        model.dispose();
      }
    };
    const cosine = await run('cosine');
    expect(cosine).toHaveLength(4);
    expect(cosine[3]).toEqual(cosine[2]);
    expect(cosine[2]).not.toEqual(cosine[1]);
    const constant = await run('constant');
    expect(constant[3]).not.toEqual(constant[2]);
    expect(constant[0]).toEqual(cosine[0]); // step 1 runs at the full rate either way
  });

  it('cancels mid-epoch with an AbortError, keeping the weights of the last completed step', async () => {
    const model = mlp();
    const ac = new AbortController();
    let atAbort: Float32Array[] = [];
    try {
      const err = await trainModel(model, { train, validation }, BASE, {
        signal: ac.signal,
        hooks: {
          afterStep: (step) => {
            if (step === 3) {
              ac.abort();
              atAbort = weightValues(model);
            }
          },
        },
      }).catch((e: unknown) => e);
      expect(isAbortError(err)).toBe(true);
      expect(weightValues(model)).toEqual(atAbort);
    } finally {
      model.dispose();
    }
  });

  it('stops with TRAINING_DIVERGED on a non-finite loss, without applying that step', async () => {
    const model = denseClassifier({ inputs: 784, hidden: [32], classes: 10, head: 'linear' });
    let lastGood: Float32Array[] = [];
    try {
      const err = await expectBonsai(
        trainModel(model, { train }, { ...BASE, optimizer: 'sgd', learningRate: 1e12, epochs: 5 }, {
          hooks: { afterStep: () => void (lastGood = weightValues(model)) },
        }),
        'TRAINING_DIVERGED',
      );
      expect(err.hint).toMatch(/learning rate/);
      expect(lastGood.length).toBeGreaterThan(0); // at least one step went through first
      expect(weightValues(model)).toEqual(lastGood);
      expect(lastGood.every((w) => w.every(Number.isFinite))).toBe(true);
    } finally {
      model.dispose();
    }
  });

  it('stops early when onEpochEnd says so', async () => {
    const model = mlp();
    try {
      const h = await trainModel(model, { train }, { ...BASE, epochs: 3, maxBatchesPerEpoch: 1 }, {
        hooks: { onEpochEnd: (epoch) => (epoch === 2 ? 'stop' : undefined) },
      });
      expect(h.epochs.map((e) => e.epoch)).toEqual([1, 2]);
      expect(h.stoppedEarly).toBe(true);
    } finally {
      model.dispose();
    }
  });

  it('refuses unlabeled data without a loss hook, and labels of the wrong width', async () => {
    const model = mlp();
    const wrong = tf.tidy(() => tf.oneHot(tf.zeros([train.count], 'int32'), 5));
    try {
      await expectBonsai(trainModel(model, { train: { ...train, ys: null } }, BASE), 'UNLABELED_DATA');
      await expectBonsai(trainModel(model, { train: { ...train, ys: wrong } }, BASE), 'OUTPUT_MISMATCH');
      const x3 = tf.zeros([4, 3]);
      try {
        await expectBonsai(trainModel(model, { train: { xs: x3, ys: null, count: 4 } }, BASE, { hooks: { loss: () => tf.scalar(0) } }), 'WRONG_INPUT_SHAPE');
      } finally {
        x3.dispose();
      }
    } finally {
      wrong.dispose();
      model.dispose();
    }
  });
});
