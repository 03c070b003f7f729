/**
 * Fit a dataset to a model: the same pixels may be fed as [28, 28, 1] or flat [784]. Anything that
 * does not fit is a clear WRONG_INPUT_SHAPE naming both shapes (the check itself is meta.ts's).
 */
import * as tf from '@tensorflow/tfjs-core';
import { BonsaiError } from '../errors';
import type { LoadedModel } from '../model/loaded';
import { modelInputs, modelOutputs } from '../metrics/inputs';
import { datasetFitProblem, declaredClassCount, perExampleShape, type ModelShapes } from './meta';
import type { DatasetSummary } from './types';

const shapesOf = (loaded: LoadedModel): ModelShapes => ({ inputs: modelInputs(loaded), outputs: modelOutputs(loaded) });

/** The model's per-example input shape (batch dimension dropped). Single-input models only. */
export function perExampleInputShape(loaded: LoadedModel): number[] {
  const shape = perExampleShape(shapesOf(loaded));
  if (!Array.isArray(shape)) throw new BonsaiError('WRONG_INPUT_SHAPE', shape.message, shape.hint);
  return shape;
}

/** Number of classes the model predicts (last dimension of its first output), or null if unknown. */
export function modelClassCount(loaded: LoadedModel): number | null {
  return declaredClassCount(shapesOf(loaded));
}

/**
 * Refuse a dataset whose examples cannot be reshaped to the model input, or (needLabels) that has
 * no labels or other classes. The words are datasetFitProblem's: what the page warned about.
 */
export function checkDatasetFits(loaded: LoadedModel, dataset: DatasetSummary, needLabels: boolean): number[] {
  const problem = datasetFitProblem(shapesOf(loaded), dataset);
  if (problem && problem.kind !== 'classes') throw new BonsaiError('WRONG_INPUT_SHAPE', problem.message, problem.hint);
  if (needLabels) {
    if (!dataset.labeled) {
      throw new BonsaiError(
        'WRONG_INPUT_SHAPE',
        `"${dataset.name}" has no labels, so accuracy cannot be measured or the model trained on it.`,
        'Use a labeled dataset (one sub-folder per class, or a CSV with a label column), or measure fidelity against a reference model.',
      );
    }
    if (problem) throw new BonsaiError('WRONG_INPUT_SHAPE', problem.message, problem.hint);
  }
  return perExampleInputShape(loaded);
}

/** xs reshaped to [n, ...perExample] (a view when the shape already matches). Caller owns it. */
export function reshapeForModel(xs: tf.Tensor, perExample: number[]): tf.Tensor {
  return tf.reshape(xs, [xs.shape[0], ...perExample]);
}
