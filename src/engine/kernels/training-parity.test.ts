/**
 * CNN training on wasm (with Bonsai's gradient kernels) follows the CPU backend step by step:
 * same initial weights, same data, same optimizer, no shuffling, loss curves within tolerance.
 *
 * Tolerances: |loss_wasm − loss_cpu| ≤ 1e-5 · max(1, loss_cpu) at every step, and every final weight
 * tensor within 1e-5 · max(1, max |w_cpu|) of the CPU's.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { useBackend, type TestBackend } from '../test-utils/backends';
import { registerWasmGradientKernels } from './register';
import { buildLeNet5, buildSeparableCnn, syntheticBatch } from './test-utils/cnn-fixtures';

const LOSS_TOLERANCE = 1e-5;
// The CPU backend needs ~5 s for one LeNet step at batch 64 on these machines: keep batches small.
const EXAMPLES = 32;
const BATCH = 8;
const STEPS = EXAMPLES / BATCH;

const WEIGHT_TOLERANCE = 1e-5;

function maxAbs(a: Float32Array): number {
  return a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
}

interface Snapshot {
  values: Float32Array[];
  shapes: number[][];
}

function snapshotWeights(model: tfl.LayersModel): Snapshot {
  const weights = model.getWeights();
  return { values: weights.map((w) => w.dataSync().slice() as Float32Array), shapes: weights.map((w) => w.shape) };
}

interface TrainResult {
  losses: number[];
  final: Snapshot;
}

/** Trains a fresh copy of the model on `backend` from `init`: the loss of each step, the final weights. */
async function train(
  backend: TestBackend,
  build: () => tfl.LayersModel,
  init: Snapshot,
  imageShape: [number, number, number],
): Promise<TrainResult> {
  await useBackend(backend);
  const model = build();
  const { xs, ys } = syntheticBatch(EXAMPLES, imageShape, 7);
  try {
    const initTensors = init.values.map((v, i) => tf.tensor(v, init.shapes[i]));
    model.setWeights(initTensors);
    tf.dispose(initTensors);
    model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    const losses: number[] = [];
    for (let step = 0; step < STEPS; step++) {
      const [xb, yb] = tf.tidy(() => [tf.slice(xs, step * BATCH, BATCH), tf.slice(ys, step * BATCH, BATCH)]);
      try {
        losses.push((await model.trainOnBatch(xb, yb)) as number);
      } finally {
        tf.dispose([xb, yb]);
      }
    }
    return { losses, final: snapshotWeights(model) };
  } finally {
    model.dispose();
    tf.dispose([xs, ys]);
  }
}

const MODELS: { name: string; build: () => tfl.LayersModel; imageShape: [number, number, number] }[] = [
  { name: 'LeNet-5', build: buildLeNet5, imageShape: [28, 28, 1] },
  { name: 'separable CNN with BatchNorm', build: buildSeparableCnn, imageShape: [16, 16, 3] },
];

describe('CNN training on wasm matches the CPU backend', () => {
  let before = 0;
  beforeAll(async () => {
    registerWasmGradientKernels();
    await useBackend('wasm');
  });
  beforeEach(() => {
    before = tf.memory().numTensors;
  });
  afterEach(() => {
    expect(tf.memory().numTensors, 'tensors leaked').toBe(before);
  });

  for (const { name, build, imageShape } of MODELS) {
    it(`${name}: ${STEPS} SGD steps of batch ${BATCH}`, async () => {
      await useBackend('cpu');
      const template = build();
      const init = snapshotWeights(template);
      template.dispose();
      const cpu = await train('cpu', build, init, imageShape);
      const wasm = await train('wasm', build, init, imageShape);
      expect(wasm.losses).toHaveLength(STEPS);
      for (let i = 0; i < STEPS; i++) {
        const [w, c] = [wasm.losses[i], cpu.losses[i]];
        expect(Number.isFinite(w), `wasm loss at step ${i}`).toBe(true);
        expect(Math.abs(w - c), `step ${i}: wasm ${w} vs cpu ${c}`).toBeLessThanOrEqual(LOSS_TOLERANCE * Math.max(1, Math.abs(c)));
      }
      init.values.forEach((initial, i) => {
        const label = `weight ${i} [${init.shapes[i]}]`;
        // Every weight moved on both backends (BatchNorm's moving statistics included), and by the same amount.
        expect(maxAbsDiff(cpu.final.values[i], initial), `${label} did not train on cpu`).toBeGreaterThan(0);
        expect(maxAbsDiff(wasm.final.values[i], initial), `${label} did not train on wasm`).toBeGreaterThan(0);
        expect(maxAbsDiff(wasm.final.values[i], cpu.final.values[i]), `${label}: wasm vs cpu`).toBeLessThanOrEqual(
          WEIGHT_TOLERANCE * Math.max(1, maxAbs(cpu.final.values[i])),
        );
      });
    });
  }
});
