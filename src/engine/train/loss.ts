/**
 * The default loss: categorical cross-entropy on the model's single output, whichever form that
 * output takes (see OutputKind). Probabilities are clipped as Keras does (1e-7), so a confident
 * wrong answer costs ~16 nats instead of Infinity.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { OutputKind } from './types';

export const PROBABILITY_EPSILON = 1e-7;

/** Read the output kind from the last layer's config (see OutputKind). */
export function detectOutputKind(model: LayersModel): OutputKind {
  const last = model.layers[model.layers.length - 1];
  if (!last) return 'logits';
  if (last.getClassName() === 'Softmax') return 'probabilities';
  const activation = (last.getConfig() as { activation?: unknown }).activation;
  return activation === 'softmax' ? 'probabilities' : 'logits';
}

/**
 * Logits for an output of either kind. For probabilities this is log(p), which equals the logits
 * up to a per-row constant — all softmax (and temperature-scaled softmax) needs, so distillation
 * can soften any model's output with softmax(toLogits(out) / T).
 */
export function toLogits(outputs: tf.Tensor, kind: OutputKind): tf.Tensor {
  if (kind === 'logits') return outputs;
  return tf.tidy(() => tf.log(tf.clipByValue(outputs, PROBABILITY_EPSILON, 1)));
}

/** Mean categorical cross-entropy of one-hot `ys` against the outputs, as a scalar. */
export function crossEntropy(outputs: tf.Tensor, ys: tf.Tensor, kind: OutputKind): tf.Scalar {
  return tf.tidy(() => {
    if (kind === 'logits') return tf.losses.softmaxCrossEntropy(ys, outputs) as tf.Scalar;
    const p = tf.clipByValue(outputs, PROBABILITY_EPSILON, 1 - PROBABILITY_EPSILON);
    return tf.neg(tf.mean(tf.sum(tf.mul(ys, tf.log(p)), -1))) as tf.Scalar;
  });
}

/** How many rows of `outputs` have their top-1 class equal to the one-hot label's (float scalar). */
export function countCorrect(outputs: tf.Tensor, ys: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(outputs, -1), tf.argMax(ys, -1)), 'float32')) as tf.Scalar);
}
