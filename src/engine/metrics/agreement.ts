import * as tf from '@tensorflow/tfjs-core';
import type { LoadedModel } from '../model/loaded';
import { asPredictArg, makeInputs, resultTensors } from './inputs';

/**
 * The model's first output on a fixed, seeded batch-1 input, read back as float32. Run it on two
 * backends and compare: the backend-correctness check behind every latency figure.
 */
export async function predictFixed(loaded: LoadedModel): Promise<Float32Array> {
  const inputs = makeInputs(loaded, 1, 'random', 'the backend output check');
  try {
    const outs = resultTensors(loaded.model.predict(asPredictArg(inputs)) as tf.Tensor | tf.Tensor[]);
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
