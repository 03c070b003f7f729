import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { expect, it } from 'vitest';
import { describeEachBackend } from '../test-utils/backends';
import { measureTrainingThroughput } from './measure-training';
import { registerWasmGradientKernels } from './register';
import { syntheticBatch } from './test-utils/cnn-fixtures';

registerWasmGradientKernels();

function tinyCnn(): tfl.LayersModel {
  const model = tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [8, 8, 1], filters: 2, kernelSize: 3, activation: 'relu' }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  return model;
}

describeEachBackend('measureTrainingThroughput', (backend) => {
  it('times training steps on the active backend and frees the model', async () => {
    const { xs, ys } = syntheticBatch(12, [8, 8, 1], 3);
    const result = await measureTrainingThroughput(tinyCnn, xs, ys, { batchSize: 4, steps: 4, warmupSteps: 1 });
    expect(result.backend).toBe(backend);
    expect(result.samplesPerSec).toBeGreaterThan(0);
    expect(result.msPerStep).toBeCloseTo(4000 / result.samplesPerSec, 6);
    tf.dispose([xs, ys]);
  });

  it('rejects a batch larger than the data', async () => {
    const { xs, ys } = syntheticBatch(4, [8, 8, 1], 3);
    await expect(measureTrainingThroughput(tinyCnn, xs, ys, { batchSize: 8, steps: 1, warmupSteps: 0 })).rejects.toThrow(
      /measureTrainingThroughput: expected 1 ≤ batchSize ≤ 4/,
    );
    tf.dispose([xs, ys]);
  });
});
