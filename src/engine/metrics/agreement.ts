import * as tf from '@tensorflow/tfjs-core';
import type { LoadedModel } from '../model/loaded';

/** Inputs of a model as [name, shape with the batch set to 1, dtype]. Free non-batch dims are refused. */
function fixedInputs(loaded: LoadedModel, seed: number): tf.Tensor[] {
  return loaded.model.inputs.map((input, i) => {
    const shape = (input.shape ?? []).map((d, axis) => (axis === 0 && (d === null || d === -1) ? 1 : d));
    if (shape.some((d) => d === null || d === undefined || d < 0)) {
      throw new Error(`Input ${i} has a free dimension other than the batch: ${JSON.stringify(input.shape)}.`);
    }
    const dtype = input.dtype === 'int32' ? 'int32' : 'float32';
    return tf.randomUniform(shape as number[], 0, dtype === 'int32' ? 10 : 1, dtype, seed + i);
  });
}

/**
 * The model's first output on a fixed, seeded batch-1 input, read back as float32. Run it on two
 * backends and compare: the backend-correctness check behind every latency figure.
 */
export async function predictFixed(loaded: LoadedModel, seed = 42): Promise<Float32Array> {
  const inputs = fixedInputs(loaded, seed);
  try {
    const out = loaded.model.predict(inputs.length === 1 ? inputs[0] : inputs) as tf.Tensor | tf.Tensor[];
    const outs = Array.isArray(out) ? out : [out];
    try {
      return Float32Array.from(await outs[0].data());
    } finally {
      tf.dispose(outs);
    }
  } finally {
    tf.dispose(inputs);
  }
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}
