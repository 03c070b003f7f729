/** Everything trainModel checks about the model and data before the first step. */
import type * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { DatasetSplit } from '../data/types';
import { BonsaiError } from '../errors';
import { inputAdapter } from '../metrics/batches';
import { detectOutputKind } from './loss';
import type { StepPlan } from './step';
import type { TrainData, TrainHooks } from './types';
import { planWeightTransforms } from './weight-transform';

const OP = 'trainModel';

function checkSplit(split: DatasetSplit, name: string, classes: number | null, hasLossHook: boolean): void {
  if (split.count < 1 || split.xs.shape[0] !== split.count) {
    throw new BonsaiError('DATASET_UNAVAILABLE', `Error in ${OP}: the ${name} split has ${split.xs.shape[0]} examples in xs but count ${split.count}; it must have at least one example.`,
      'Pick a dataset with examples in this split.');
  }
  if (!split.ys) return;
  if (split.ys.rank !== 2 || split.ys.shape[0] !== split.count) {
    throw new BonsaiError('DATASET_UNAVAILABLE', `Error in ${OP}: the ${name} labels have shape [${split.ys.shape.join(', ')}]; expected one-hot [${split.count}, classes].`);
  }
  if (!hasLossHook && classes !== null && split.ys.shape[1] !== classes) {
    throw new BonsaiError('OUTPUT_MISMATCH', `Error in ${OP}: the model outputs ${classes} classes, but the ${name} labels have ${split.ys.shape[1]}.`,
      'Use a model made for this dataset, or replace its last layer with one that has as many outputs as the dataset has classes.');
  }
}

/** Validate model and data; return the training and validation step plans. */
export function planTraining(model: LayersModel, data: TrainData, hooks: TrainHooks | undefined): { train: StepPlan; validation?: StepPlan } {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new BonsaiError('NOT_TRAINABLE', `Error in ${OP}: the model has ${model.inputs.length} inputs and ${model.outputs.length} outputs; Bonsai trains models with exactly one of each.`,
      'Use a classifier with a single input and a single output.');
  }
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  if (variables.length === 0) {
    throw new BonsaiError('NOT_TRAINABLE', `Error in ${OP}: the model has no trainable weights (every layer is frozen).`,
      'Unfreeze at least one layer (set trainable to true) before training.');
  }
  const hasLossHook = hooks?.loss !== undefined;
  if (!data.train.ys && !hasLossHook) {
    throw new BonsaiError('UNLABELED_DATA', `Error in ${OP}: the training data is unlabeled, and the default loss (cross-entropy) needs labels.`,
      'Train on a labelled dataset, or distill from a teacher model (it labels the data).');
  }
  const outShape = model.outputs[0].shape;
  const classes = outShape.length === 2 && outShape[1] != null ? outShape[1] : null;
  checkSplit(data.train, 'training', classes, hasLossHook);
  if (data.validation) checkSplit(data.validation, 'validation', classes, hasLossHook);

  const inShape = model.inputs[0].shape.map((d) => (d == null ? -1 : d));
  const train: StepPlan = {
    model,
    variables,
    outputKind: detectOutputKind(model),
    transforms: planWeightTransforms(model, hooks),
    loss: hooks?.loss,
    adapt: inputAdapter(inShape, data.train.xs.shape, OP),
  };
  const validation = data.validation ? { ...train, adapt: inputAdapter(inShape, data.validation.xs.shape, OP) } : undefined;
  return { train, validation };
}
