/**
 * Feeding a dataset split to a model batch by batch: the per-example shape check (with the one
 * reshape Bonsai does on its own, e.g. MNIST's [28, 28, 1] images into a Dense model's [784]),
 * the single-output rule, and the batched walk with a checkpoint between batches.
 */
import * as tf from '@tensorflow/tfjs-core';
import { BonsaiError } from '../errors';
import type { LoadedModel } from '../model/loaded';
import { checkpoint } from '../runtime/yield';
import { resultTensors } from './inputs';

export const DEFAULT_EVAL_BATCH_SIZE = 256;

const fmt = (s: readonly (number | null)[]) => `[${s.map((d) => (d == null || d < 0 ? '?' : d)).join(', ')}]`;
const product = (s: number[]) => s.reduce((a, b) => a * b, 1);

/**
 * The model's single input shape (batch included, free dims as -1), or null when a GraphModel
 * declares none. More than one input is refused: Bonsai's datasets feed one tensor.
 */
export function singleInputShape(loaded: LoadedModel, operation: string): number[] | null {
  const inputs = loaded.model.inputs;
  if (inputs.length !== 1) {
    throw new BonsaiError('WRONG_INPUT_SHAPE', `Error in ${operation}: the model has ${inputs.length} inputs; Bonsai feeds datasets to models with exactly one input.`,
      'Use a model with a single image or feature input.');
  }
  const shape = inputs[0].shape as (number | null)[] | undefined;
  return shape === undefined ? null : shape.map((d) => (d == null || d < 0 ? -1 : d));
}

/**
 * A function turning a batch of the data into what the model takes. Equal shapes (free dims
 * allowed) pass as they are; a fully fixed model shape with the same number of values per
 * example is reshaped to; anything else is WRONG_INPUT_SHAPE naming both shapes.
 * The returned tensor may be the batch itself: call it inside a tidy.
 */
export function inputAdapter(modelShape: number[] | null, dataShape: readonly number[], operation: string): (batch: tf.Tensor) => tf.Tensor {
  if (modelShape === null) return (b) => b;
  const model = modelShape.slice(1);
  const data = dataShape.slice(1);
  if (model.length === data.length && model.every((d, i) => d < 0 || d === data[i])) return (b) => b;
  if (model.every((d) => d >= 0) && product(model) === product(data)) {
    return (b) => tf.reshape(b, [b.shape[0], ...model]);
  }
  throw new BonsaiError('WRONG_INPUT_SHAPE',
    `Error in ${operation}: the data's examples have shape ${fmt(data)}, but the model expects ${fmt(model)} per example.`,
    'Pick a dataset whose images match the model input (size and channels), or a model made for this dataset.');
}

/** The one output tensor of a predict result; several outputs are refused. */
export function singleOutput(out: tf.Tensor | tf.Tensor[] | tf.NamedTensorMap, operation: string): tf.Tensor {
  const outs = resultTensors(out);
  if (outs.length !== 1) {
    tf.dispose(outs);
    throw new BonsaiError('OUTPUT_MISMATCH', `Error in ${operation}: the model has ${outs.length} outputs; Bonsai scores models with exactly one (class scores).`,
      'Use a classifier with a single output of class scores.');
  }
  return outs[0];
}

/** Run `predict` on one batch and return its single output, as a [batch, classes] tensor. */
export function predictBatch(loaded: LoadedModel, x: tf.Tensor, operation: string): tf.Tensor2D {
  const out = singleOutput(loaded.model.predict(x) as tf.Tensor | tf.Tensor[] | tf.NamedTensorMap, operation);
  if (out.rank !== 2) {
    const shape = out.shape;
    out.dispose();
    throw new BonsaiError('OUTPUT_MISMATCH', `Error in ${operation}: the model output has shape ${fmt(shape)}; expected [batch, classes].`,
      'Use a classifier whose output is one score per class.');
  }
  return out as tf.Tensor2D;
}

/**
 * Walk [0, count) in batches: `fn(start, size)` per batch, a checkpoint (macrotask yield + abort
 * check) before each. `fn` owns the tensors it makes.
 */
export async function forEachBatch(
  count: number,
  batchSize: number,
  signal: AbortSignal | undefined,
  fn: (start: number, size: number, index: number) => void | Promise<void>,
): Promise<void> {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new BonsaiError('BAD_CONFIG', `Error in batched evaluation: batchSize must be a whole number ≥ 1, got ${batchSize}.`);
  }
  for (let start = 0, index = 0; start < count; start += batchSize, index++) {
    await checkpoint(signal);
    await fn(start, Math.min(batchSize, count - start), index);
  }
}

/** Rows [start, start+size) of a tensor along axis 0. */
export function sliceRows(t: tf.Tensor, start: number, size: number): tf.Tensor {
  return tf.slice(t, [start], [size]);
}
