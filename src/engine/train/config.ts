/** Check a TrainConfig before any work starts, and build the optimizer it names. */
import * as tf from '@tensorflow/tfjs-core';
import { BonsaiError } from '../errors';
import type { OptimizerName, TrainConfig } from './types';

export const MAX_BATCH_SIZE = 4096;
export const MAX_EPOCHS = 10_000;
const OPTIMIZERS: readonly OptimizerName[] = ['adam', 'sgd', 'rmsprop'];

function bad(what: string, hint: string): BonsaiError {
  return new BonsaiError('BAD_CONFIG', `Error in trainModel: ${what}.`, hint);
}

const isWhole = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x);

/** Returns the config unchanged, or throws BAD_CONFIG naming the first setting out of range. */
export function validateTrainConfig(c: TrainConfig): TrainConfig {
  if (!isWhole(c.epochs) || c.epochs < 1 || c.epochs > MAX_EPOCHS) {
    throw bad(`epochs must be a whole number from 1 to ${MAX_EPOCHS}, got ${c.epochs}`, 'Set epochs to 1 or more.');
  }
  if (!isWhole(c.batchSize) || c.batchSize < 1 || c.batchSize > MAX_BATCH_SIZE) {
    throw bad(`batchSize must be a whole number from 1 to ${MAX_BATCH_SIZE}, got ${c.batchSize}`, 'Typical batch sizes are 32 to 256.');
  }
  if (typeof c.learningRate !== 'number' || !Number.isFinite(c.learningRate) || c.learningRate <= 0) {
    throw bad(`learningRate must be a finite number above 0, got ${c.learningRate}`, 'Try 0.001 for Adam or 0.01 for SGD.');
  }
  if (!OPTIMIZERS.includes(c.optimizer)) {
    throw bad(`optimizer must be one of ${OPTIMIZERS.join(', ')}, got ${String(c.optimizer)}`, 'Adam is a good default.');
  }
  if (!isWhole(c.seed) || !Number.isSafeInteger(c.seed)) {
    throw bad(`seed must be a whole number, got ${c.seed}`, 'Any whole number works; the same seed reproduces a run.');
  }
  if (c.maxBatchesPerEpoch !== undefined && (!isWhole(c.maxBatchesPerEpoch) || c.maxBatchesPerEpoch < 1)) {
    throw bad(`maxBatchesPerEpoch must be a whole number ≥ 1 when set, got ${c.maxBatchesPerEpoch}`, 'Leave it unset to use every batch.');
  }
  return c;
}

/** A fresh optimizer; the caller disposes it (its slot variables are tensors). */
export function makeOptimizer(c: Pick<TrainConfig, 'optimizer' | 'learningRate'>): tf.Optimizer {
  switch (c.optimizer) {
    case 'adam':
      return tf.train.adam(c.learningRate);
    case 'sgd':
      return tf.train.sgd(c.learningRate);
    case 'rmsprop':
      return tf.train.rmsprop(c.learningRate);
  }
}
