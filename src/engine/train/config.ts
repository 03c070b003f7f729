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

/**
 * Set an optimizer's learning rate for the next step. SGD keeps it as a scalar tensor
 * (setLearningRate disposes the old one); Adam and RMSProp read the number at every step.
 */
export function setLearningRate(optimizer: tf.Optimizer, learningRate: number): void {
  // Not `instanceof tf.SGDOptimizer`: Optimizer's Symbol.hasInstance is duck-typed, so Adam passes it.
  const o = optimizer as unknown as { learningRate: number; setLearningRate?: (lr: number) => void };
  if (optimizer.getClassName() === 'SGD' && typeof o.setLearningRate === 'function') o.setLearningRate(learningRate);
  else o.learningRate = learningRate;
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
