import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DatasetSplit } from '../../data/types';
import { BonsaiError } from '../../errors';
import { describeEachBackend } from '../../test-utils/backends';
import { loadedLayers } from '../../test-utils/model-fixtures';
import { denseClassifier, disposeSplit, mnistSplit } from '../../test-utils/train-fixtures';
import { trainModel } from '../../train/loop';
import type { LoadedModel } from '../../model/loaded';
import { depthwiseCnn } from './equalize.fixtures';
import { runSimulate, simulateInteger } from './simulate';

describeEachBackend('full-integer simulation', () => {
  let train: DatasetSplit;
  let validation: DatasetSplit;
  let input: LoadedModel;
  beforeAll(async () => {
    train = mnistSplit('train', 512);
    validation = mnistSplit('test', 256);
    const model = denseClassifier({ inputs: 784, hidden: [32, 16], classes: 10, seed: 3 });
    await trainModel(model, { train }, { epochs: 2, batchSize: 32, learningRate: 0.005, optimizer: 'adam', seed: 1 });
    input = await loadedLayers(model);
  });
  afterAll(() => {
    disposeSplit(train);
    disposeSplit(validation);
    input.model.dispose();
  });

  for (const calibration of ['minmax', 'percentile', 'mse'] as const) {
    it(`${calibration}: int8 accuracy close to float, every layer's SQNR reported`, async () => {
      const r = await simulateInteger(input, { train, validation }, { calibration, calibrationSize: 256 });
      expect(r.calibrationCount).toBe(256);
      expect(r.evaluationCount).toBe(256);
      expect(r.floatAccuracy!).toBeGreaterThan(0.6);
      expect(Math.abs(r.accuracy! - r.floatAccuracy!)).toBeLessThan(0.05);
      expect(r.agreement).toBeGreaterThan(0.9);
      const m = input.model as tfl.LayersModel;
      expect(r.layers.map((l) => l.layer)).toEqual([m.inputLayers[0].name, ...m.layers.map((l) => l.name)]);
      for (const l of r.layers) expect(l.sqnrDb!, l.layer).toBeGreaterThan(15);
      const hidden = r.layers[1];
      expect(hidden.min).toBeGreaterThanOrEqual(0); // ReLU output
      if (calibration !== 'minmax') {
        const minmax = await simulateInteger(input, { train, validation }, { calibration: 'minmax', calibrationSize: 256 });
        expect(hidden.max).toBeLessThanOrEqual(minmax.layers[1].max);
      }
    });
  }

  it('runSimulate makes a report (no files) with the accuracy note and headline values', async () => {
    const result = await runSimulate(input, { method: 'simulate', calibration: 'minmax' }, { train, validation }, { progress: () => {} });
    expect(result).not.toHaveProperty('files');
    expect(result.values?.int8Accuracy).toEqual(expect.any(Number));
    console.info(result.notes[0], result.perLayer.map((l) => `${l.layer}: ${Number(l.sqnrDb).toFixed(1)} dB`).join(', '));
    expect(result.notes[0]).toMatch(/^int8 runtime accuracy \d+\.\d% vs float \d+\.\d%/);
    expect(result.perLayer[1]).toEqual({ layer: expect.any(String), min: expect.any(Number), max: expect.any(Number), sqnrDb: expect.any(Number) });
  });

  it('reports fidelity when the validation split has no labels', async () => {
    const unlabeled = { ...validation, ys: null };
    const r = await simulateInteger(input, { train, validation: unlabeled }, { calibration: 'minmax', calibrationSize: 64 });
    expect(r.accuracy).toBeNull();
    expect(r.agreement).toBeGreaterThan(0.9);
  });

  it('refuses an empty or wrongly shaped calibration set with a clear error', async () => {
    const empty = { xs: tf.zeros([0, 28, 28, 1]), ys: null, count: 0 };
    const wrong = { xs: tf.zeros([4, 14, 14, 1]), ys: null, count: 4 };
    try {
      await expect(simulateInteger(input, { train: empty, validation }, { calibration: 'minmax' })).rejects.toMatchObject({ code: 'DATASET_UNAVAILABLE', message: expect.stringContaining('calibration set is empty') });
      await expect(simulateInteger(input, { validation }, { calibration: 'minmax' })).rejects.toBeInstanceOf(BonsaiError);
      await expect(simulateInteger(input, { train: wrong, validation }, { calibration: 'minmax' })).rejects.toMatchObject({ code: 'WRONG_INPUT_SHAPE', message: expect.stringMatching(/calibration set.*\[14, 14, 1\].*\[784\]/) });
      await expect(simulateInteger(input, { train, validation }, { calibration: 'percentile', percentile: 30 })).rejects.toMatchObject({ code: 'BAD_CONFIG' });
    } finally {
      disposeSplit(empty);
      disposeSplit(wrong);
    }
  });

  it('walks a depthwise CNN (functional, Flatten, pooling)', async () => {
    const cnn = await loadedLayers(depthwiseCnn({ seed: 1, head: 'softmax' }));
    const xs = tf.randomUniform([64, 8, 8, 1], 0, 1, 'float32', 3);
    const split = { xs, ys: null, count: 64 };
    try {
      const r = await simulateInteger(cnn, { train: split, validation: split }, { calibration: 'mse', calibrationSize: 32 });
      expect(r.layers.map((l) => l.layer)).toEqual(expect.arrayContaining(['conv', 'dw', 'pw', 'pw_relu', 'pool', 'flat', 'head']));
      expect(r.layers.find((l) => l.layer === 'conv')!.sqnrDb!).toBeGreaterThan(20);
    } finally {
      xs.dispose();
      cnn.model.dispose();
    }
  });
});
