/**
 * The calibration set of post-training methods (activation ranges, bias correction): the first
 * `size` examples of the training split (Bonsai's splits are already a seeded shuffle), checked
 * against the model input before any work starts.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { DatasetSplit } from '../../data/types';
import { BonsaiError } from '../../errors';
import { inputAdapter } from '../../metrics/batches';

export const DEFAULT_CALIBRATION_SIZE = 512;

/** Throws DATASET_UNAVAILABLE (missing/empty) or WRONG_INPUT_SHAPE (examples do not fit). */
export function checkSplitFits(split: DatasetSplit | undefined, model: LayersModel, role: string, operation: string): DatasetSplit {
  if (!split || split.count < 1 || split.xs.rank < 2 || split.xs.shape[0] < 1) {
    throw new BonsaiError('DATASET_UNAVAILABLE', `Error in ${operation}: the ${role} is empty; expected at least 1 example shaped like the model input.`,
      'Load a dataset with examples before running this (the calibration set is taken from its training split).');
  }
  inputAdapter(modelInputShape(model), split.xs.shape, `${operation} (${role})`);
  return split;
}

export function modelInputShape(model: LayersModel): number[] {
  return model.inputs[0].shape.map((d) => (d == null || d < 0 ? -1 : d));
}

/** The first min(size, count) examples, reshaped to the model input. The caller disposes. */
export function calibrationInputs(split: DatasetSplit | undefined, model: LayersModel, size: number, operation: string): tf.Tensor {
  if (!Number.isInteger(size) || size < 1) {
    throw new BonsaiError('BAD_CONFIG', `Error in ${operation}: calibrationSize must be a whole number ≥ 1, got ${size}.`);
  }
  const s = checkSplitFits(split, model, 'calibration set', operation);
  const adapt = inputAdapter(modelInputShape(model), s.xs.shape, operation);
  return tf.tidy(() => adapt(tf.slice(s.xs, [0], [Math.min(size, s.count)])));
}
