/** Check a TrainConfig before any work starts, and build the optimizer it names. */
import * as tf from '@tensorflow/tfjs-core';
import { BonsaiError } from '../errors';
import { checkTrainSettings, TrainSettingsError } from './meta';
import type { TrainConfig } from './types';

export { MAX_BATCH_SIZE, MAX_EPOCHS } from './meta';

/** Returns the config unchanged, or throws BAD_CONFIG naming the first setting out of range. */
export function validateTrainConfig(c: TrainConfig): TrainConfig {
  try {
    checkTrainSettings(c);
  } catch (e) {
    if (e instanceof TrainSettingsError) throw new BonsaiError('BAD_CONFIG', `Error in trainModel: ${e.message}.`, e.hint);
    throw e;
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
