/**
 * A loaded model's inputs and outputs as plain data, and concrete input tensors built from them
 * (for FLOPs profiling at batch 1 and for latency benchmarks at any batch).
 */
import * as tf from '@tensorflow/tfjs-core';
import { BonsaiError } from '../errors';
import type { LoadedModel } from '../model/loaded';
import type { TensorInfo } from '../model/types';

function dims(shape: readonly (number | null)[] | undefined): number[] {
  return (shape ?? []).map((d) => (d == null || d < 0 ? -1 : d));
}

export function modelInputs(loaded: LoadedModel): TensorInfo[] {
  if (loaded.format === 'layers') {
    const m = loaded.model;
    return m.inputs.map((t, i) => ({ name: m.inputNames[i] ?? t.name, shape: dims(t.shape), dtype: t.dtype }));
  }
  // GraphModel: a Placeholder without a shape attribute has unknown rank; it is shown as [].
  return loaded.model.inputs.map((t) => ({ name: t.name, shape: dims(t.shape), dtype: t.dtype ?? 'float32' }));
}

/** Outputs as declared. GraphModel outputs often declare no shape or dtype: see `summarize`. */
export function modelOutputs(loaded: LoadedModel): TensorInfo[] {
  if (loaded.format === 'layers') {
    const m = loaded.model;
    return m.outputs.map((t, i) => ({ name: m.outputNames[i] ?? t.name, shape: dims(t.shape), dtype: t.dtype }));
  }
  return loaded.model.outputs.map((t) => ({ name: t.name, shape: dims(t.shape), dtype: t.dtype ?? 'unknown' }));
}

/**
 * The shape of a concrete input: a free leading (batch) dimension becomes `batchSize`; any other
 * free dimension cannot be guessed, so it is an error naming the input and its shape.
 */
export function concreteShape(info: TensorInfo, batchSize: number, operation: string): number[] {
  return info.shape.map((d, i) => {
    if (d >= 0) return d;
    if (i === 0) return batchSize;
    throw new BonsaiError(
      'WRONG_INPUT_SHAPE',
      `Error in ${operation}: input '${info.name}' has a free dimension at position ${i} ` +
        `(shape [${info.shape.join(', ')}]); only the batch dimension (position 0) may be free.`,
      'Re-export the model with a fixed input shape (only the batch dimension may be free).',
    );
  });
}

export type InputFill = 'zeros' | 'random';

/**
 * One tensor per model input, in the order `predict` takes them. The caller owns the tensors.
 * Random inputs are seeded so two runs see the same data; integer inputs get small values (0 or 1)
 * so they are valid indices for embeddings and gathers.
 */
export function makeInputs(loaded: LoadedModel, batchSize: number, fill: InputFill, operation: string): tf.Tensor[] {
  const infos = modelInputs(loaded);
  const shapes = infos.map((info, i) => {
    if (loaded.format === 'graph' && loaded.model.inputs[i].shape === undefined) {
      throw new BonsaiError(
        'WRONG_INPUT_SHAPE',
        `Error in ${operation}: input '${info.name}' declares no shape, so Bonsai cannot build an input for it.`,
        'Re-export the model with a fixed input shape (only the batch dimension may be free).',
      );
    }
    if (!['float32', 'int32', 'bool'].includes(info.dtype)) {
      throw new BonsaiError(
        'WRONG_INPUT_SHAPE',
        `Error in ${operation}: input '${info.name}' has dtype ${info.dtype}; Bonsai builds float32, int32 or bool inputs only.`,
      );
    }
    return concreteShape(info, batchSize, operation);
  });
  return infos.map((info, i) => {
    const dtype = info.dtype as 'float32' | 'int32' | 'bool';
    if (fill === 'zeros' || dtype === 'bool') return tf.zeros(shapes[i], dtype);
    if (dtype === 'int32') return tf.randomUniform(shapes[i], 0, 2, 'int32', 42 + i);
    return tf.randomUniform(shapes[i], 0, 1, 'float32', 42 + i);
  });
}

/** The argument `predict` expects for these inputs: one tensor, or an array in input order. */
export function asPredictArg(inputs: tf.Tensor[]): tf.Tensor | tf.Tensor[] {
  return inputs.length === 1 ? inputs[0] : inputs;
}

/** Every tensor in a predict/execute result, whatever its container. */
export function resultTensors(out: tf.Tensor | tf.Tensor[] | tf.NamedTensorMap): tf.Tensor[] {
  if (out instanceof tf.Tensor) return [out];
  if (Array.isArray(out)) return out;
  return Object.values(out);
}
