/**
 * Training throughput of a LayersModel on the active backend: samples per second over `steps`
 * `trainOnBatch` calls after `warmupSteps` untimed ones (kernel setup, XNNPACK packing, shader
 * compilation). Each step awaits its loss, so the time includes the whole step on the device.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { checkpoint } from '../runtime/yield';

export interface TrainingThroughputOptions {
  batchSize: number;
  steps: number;
  warmupSteps: number;
  signal?: AbortSignal;
}

export interface TrainingThroughput {
  samplesPerSec: number;
  msPerStep: number;
  backend: string;
}

/**
 * `buildModel` must return a compiled model; this function owns it and disposes it. Compile with an
 * optimizer name ('adam', 'sgd') so that `model.dispose()` frees the optimizer's state too. `xs`
 * and `ys` hold at least one batch; batches are taken from them in order, wrapping around.
 */
export async function measureTrainingThroughput(
  buildModel: () => LayersModel,
  xs: tf.Tensor,
  ys: tf.Tensor,
  options: TrainingThroughputOptions,
): Promise<TrainingThroughput> {
  const { batchSize, steps, warmupSteps, signal } = options;
  const count = xs.shape[0];
  if (!(batchSize >= 1 && batchSize <= count) || ys.shape[0] !== count || steps < 1 || warmupSteps < 0) {
    throw new Error(
      `Error in measureTrainingThroughput: expected 1 ≤ batchSize ≤ ${count} examples (xs and ys alike), steps ≥ 1 ` +
        `and warmupSteps ≥ 0, but got batchSize ${batchSize}, ${ys.shape[0]} labels, steps ${steps}, warmupSteps ${warmupSteps}.`,
    );
  }
  const model = buildModel();
  try {
    if (model.optimizer == null) throw new Error('Error in measureTrainingThroughput: buildModel must return a compiled model.');
    const batchesPerPass = Math.floor(count / batchSize);
    const step = async (i: number): Promise<void> => {
      const start = (i % batchesPerPass) * batchSize;
      const [xb, yb] = tf.tidy(() => [tf.slice(xs, start, batchSize), tf.slice(ys, start, batchSize)]);
      try {
        await model.trainOnBatch(xb, yb);
      } finally {
        tf.dispose([xb, yb]);
      }
    };
    for (let i = 0; i < warmupSteps; i++) {
      await step(i);
      await checkpoint(signal);
    }
    let elapsedMs = 0;
    for (let i = 0; i < steps; i++) {
      const t0 = performance.now();
      await step(warmupSteps + i);
      elapsedMs += performance.now() - t0;
      await checkpoint(signal);
    }
    const msPerStep = elapsedMs / steps;
    return { samplesPerSec: (batchSize * 1000) / msPerStep, msPerStep, backend: tf.getBackend() };
  } finally {
    model.dispose();
  }
}
