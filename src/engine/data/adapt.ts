/**
 * Fit a dataset to a model: the same pixels may be fed as [28, 28, 1] or flat [784]. Anything that
 * does not fit is a clear WRONG_INPUT_SHAPE naming both shapes.
 */
import * as tf from '@tensorflow/tfjs-core';
import { BonsaiError } from '../errors';
import type { LoadedModel } from '../model/loaded';
import { modelInputs, modelOutputs } from '../metrics/inputs';
import type { DatasetSummary } from './types';

const product = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** The model's per-example input shape (batch dimension dropped). Single-input models only. */
export function perExampleInputShape(loaded: LoadedModel): number[] {
  const inputs = modelInputs(loaded);
  if (inputs.length !== 1) {
    throw new BonsaiError(
      'WRONG_INPUT_SHAPE',
      `This model has ${inputs.length} inputs; datasets can feed single-input models only.`,
      'Use a model with one image input.',
    );
  }
  const shape = inputs[0].shape.slice(1);
  if (shape.length === 0 || shape.some((d) => d < 0)) {
    throw new BonsaiError(
      'WRONG_INPUT_SHAPE',
      `The model input '${inputs[0].name}' has shape [${inputs[0].shape.join(', ')}]: only the batch dimension may be free.`,
      'Re-export the model with a fixed input shape.',
    );
  }
  return shape;
}

/** Number of classes the model predicts (last dimension of its first output), or null if unknown. */
export function modelClassCount(loaded: LoadedModel): number | null {
  const out = modelOutputs(loaded)[0];
  const last = out?.shape[out.shape.length - 1];
  return last !== undefined && last > 0 ? last : null;
}

/** Refuse a dataset whose examples cannot be reshaped to the model input, or whose classes differ. */
export function checkDatasetFits(loaded: LoadedModel, dataset: DatasetSummary, needLabels: boolean): number[] {
  const shape = perExampleInputShape(loaded);
  if (product(shape) !== product(dataset.inputShape)) {
    throw new BonsaiError(
      'WRONG_INPUT_SHAPE',
      `The dataset's examples are [${dataset.inputShape.join(', ')}] but the model expects [${shape.join(', ')}].`,
      'Pick a dataset whose images match the model input, or a model made for this dataset.',
    );
  }
  if (needLabels) {
    if (!dataset.labeled) {
      throw new BonsaiError(
        'WRONG_INPUT_SHAPE',
        `"${dataset.name}" has no labels, so accuracy cannot be measured or the model trained on it.`,
        'Use a labeled dataset (one sub-folder per class), or measure fidelity against a reference model.',
      );
    }
    const classes = modelClassCount(loaded);
    if (classes !== null && classes !== dataset.numClasses) {
      throw new BonsaiError(
        'WRONG_INPUT_SHAPE',
        `The model predicts ${classes} classes but "${dataset.name}" has ${dataset.numClasses}.`,
        'Pick a dataset with as many classes as the model outputs.',
      );
    }
  }
  return shape;
}

/** xs reshaped to [n, ...perExample] (a view when the shape already matches). Caller owns it. */
export function reshapeForModel(xs: tf.Tensor, perExample: number[]): tf.Tensor {
  return tf.reshape(xs, [xs.shape[0], ...perExample]);
}
