/**
 * Test-only builders for training tests: a slice of the real MNIST file and small seeded Dense
 * classifiers (the same seed builds the same initial weights).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { mnistTensors, parseMnistBinary, type MnistData } from '../data/mnist';
import type { DatasetSplit } from '../data/types';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
let cached: MnistData | undefined;

export function mnistData(): MnistData {
  cached ??= parseMnistBinary(new Uint8Array(readFileSync(path.join(ROOT, 'public/data/mnist-10k.bin'))));
  return cached;
}

/** The first `limit` images of a split as NHWC [n, 28, 28, 1] with one-hot labels. Caller disposes. */
export function mnistSplit(split: 'train' | 'test', limit: number): DatasetSplit {
  const { xs, ys } = mnistTensors(mnistData(), split, { limit });
  return { xs, ys, count: xs.shape[0] };
}

export function disposeSplit(s: DatasetSplit | undefined): void {
  s?.xs.dispose();
  s?.ys?.dispose();
}

export interface DenseSpec {
  inputs: number;
  hidden: number[];
  classes: number;
  /** Last layer activation: 'softmax' (probabilities) or 'linear' (logits). */
  head?: 'softmax' | 'linear';
  seed?: number;
}

/** A seeded MLP: same spec and seed → same initial weights. */
export function denseClassifier({ inputs, hidden, classes, head = 'softmax', seed = 1 }: DenseSpec): tfl.LayersModel {
  const model = tfl.sequential();
  const units = [...hidden, classes];
  units.forEach((u, i) => {
    model.add(
      tfl.layers.dense({
        units: u,
        activation: i === units.length - 1 ? head : 'relu',
        kernelInitializer: tfl.initializers.glorotUniform({ seed: seed * 100 + i }),
        ...(i === 0 ? { inputShape: [inputs] } : {}),
      }),
    );
  });
  return model;
}

/** Values of every weight, for before/after comparisons. */
export function weightValues(model: tfl.LayersModel): Float32Array[] {
  return model.weights.map((w) => (w.read() as tf.Tensor).dataSync() as Float32Array).map((a) => Float32Array.from(a));
}
