/**
 * Does a dataset fit a model? The one check, on plain data (the model's declared inputs and
 * outputs, the dataset's summary), so the page warns before a run with the same words the worker
 * refuses with (adapt.ts throws these as WRONG_INPUT_SHAPE). UI-safe: no TF.js.
 */
import type { TensorInfo } from '../model/types';
import type { DatasetSummary } from './types';

export { readCsvHeader, type CsvHeader } from './csv-parse';

export interface ModelShapes {
  inputs: TensorInfo[];
  outputs: TensorInfo[];
}

export interface DatasetFitProblem {
  /** inputs: not one input; free-shape: a free non-batch dimension; input-size: values per example differ; classes: class counts differ. */
  kind: 'inputs' | 'free-shape' | 'input-size' | 'classes';
  message: string;
  /** What to do about it. */
  hint: string;
}

const product = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const dims = (shape: readonly number[]) => `[${shape.join(' × ')}]`;
const values = (n: number) => `${n.toLocaleString('en-US')} value${n === 1 ? '' : 's'}`;

/** Number of classes the model predicts (last dimension of its first output), or null when not declared. */
export function declaredClassCount(model: ModelShapes): number | null {
  const out = model.outputs[0];
  const last = out?.shape[out.shape.length - 1];
  return last !== undefined && last > 0 ? last : null;
}

/** The model's per-example input shape, or the problem that stops any dataset from feeding it. */
export function perExampleShape(model: ModelShapes): number[] | DatasetFitProblem {
  if (model.inputs.length !== 1) {
    return {
      kind: 'inputs',
      message: `This model has ${model.inputs.length} inputs; datasets can feed single-input models only.`,
      hint: 'Open a model with one input to evaluate or train it on a dataset.',
    };
  }
  const input = model.inputs[0];
  const shape = input.shape.slice(1);
  if (shape.length === 0 || shape.some((d) => d < 0)) {
    return {
      kind: 'free-shape',
      message: `The model input '${input.name}' has shape [${input.shape.join(', ')}]: only the batch dimension may be free.`,
      hint: 'Re-export the model with a fixed input shape.',
    };
  }
  return shape;
}

/**
 * Why `dataset` cannot feed `model`, or null when it fits: one input whose values per example
 * match the dataset's (the same pixels may be [28, 28, 1] or flat [784]), and — for a labeled
 * dataset — as many classes as the model outputs. Unlabeled datasets are not a misfit here
 * (fidelity needs no labels); the tabs that need labels say so themselves.
 */
export function datasetFitProblem(model: ModelShapes, dataset: DatasetSummary): DatasetFitProblem | null {
  const shape = perExampleShape(model);
  if (!Array.isArray(shape)) return shape;
  const want = product(shape);
  const have = product(dataset.inputShape);
  const name = `"${dataset.name}"`;
  if (want !== have) {
    const tabularModel = shape.length === 1 && want < 1000;
    const hint =
      dataset.kind === 'csv'
        ? `Open a model that takes ${values(have)} (one per feature column of ${name}), or load a dataset of ${dims(shape)} examples for this one.`
        : tabularModel
          ? `This looks like a tabular model: load a CSV with ${want} numeric feature column${want === 1 ? '' : 's'} and a label column (CSV… in the Dataset card), or open a model made for ${dims(dataset.inputShape)} examples.`
          : `Load a dataset of ${dims(shape)} examples (images are resized to the model's input), or open a model made for ${dims(dataset.inputShape)} examples.`;
    return {
      kind: 'input-size',
      message: `${name} does not fit this model: its examples are ${dims(dataset.inputShape)} (${values(have)}) but the model takes ${dims(shape)} (${values(want)}).`,
      hint,
    };
  }
  const classes = declaredClassCount(model);
  if (dataset.labeled && classes !== null && dataset.numClasses !== null && classes !== dataset.numClasses) {
    const hint =
      dataset.kind === 'csv'
        ? `Choose a label column with ${classes} classes, or open a model with ${dataset.numClasses} outputs.`
        : `Load a dataset with ${classes} classes, or open a model with ${dataset.numClasses} outputs.`;
    return {
      kind: 'classes',
      message: `${name} does not fit this model: the model predicts ${classes} classes but ${name} has ${dataset.numClasses}.`,
      hint,
    };
  }
  return null;
}
