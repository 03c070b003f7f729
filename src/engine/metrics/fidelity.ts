/**
 * Fidelity of a model to a reference on the same inputs (no labels needed): top-1 agreement and
 * mean KL(reference ‖ model) per example, in nats.
 *
 * Outputs are compared as probability distributions. Each model's output is checked once, on the
 * first batch: if every row is non-negative and sums to 1 (±1e-3) it is taken as probabilities,
 * otherwise as logits and softmax is applied. Probabilities are clipped at 1e-7 inside the logs,
 * so a zero in the model's output costs a large but finite KL.
 */
import * as tf from '@tensorflow/tfjs-core';
import { BonsaiError } from '../errors';
import type { LoadedModel } from '../model/loaded';
import type { EvalOptions } from './accuracy';
import { DEFAULT_EVAL_BATCH_SIZE, forEachBatch, inputAdapter, predictBatch, singleInputShape, sliceRows } from './batches';

export interface FidelityResult {
  /** Share of inputs on which both models pick the same top-1 class, in [0, 1]. */
  agreement: number;
  /** Mean over inputs of KL(reference ‖ model), in nats (0 for identical outputs). */
  meanKL: number;
  count: number;
}

const OP = 'evaluateFidelity';
const EPS = 1e-7;
const SUM_TOLERANCE = 1e-3;

/** Are the rows of this [batch, classes] output probability distributions? */
async function isDistribution(out: tf.Tensor2D): Promise<boolean> {
  const stats = tf.tidy(() => tf.stack([tf.min(out), tf.max(tf.abs(tf.sub(tf.sum(out, -1), 1)))]));
  const [min, maxSumError] = await stats.data();
  stats.dispose();
  return min >= 0 && maxSumError <= SUM_TOLERANCE;
}

export async function evaluateFidelity(reference: LoadedModel, model: LoadedModel, xs: tf.Tensor, opts: EvalOptions = {}): Promise<FidelityResult> {
  const count = xs.shape[0] ?? 0;
  if (xs.rank < 2 || count < 1) {
    throw new BonsaiError('WRONG_INPUT_SHAPE', `Error in ${OP}: expected a batch of inputs [count ≥ 1, …], got [${xs.shape.join(', ')}].`);
  }
  const adaptRef = inputAdapter(singleInputShape(reference, OP), xs.shape, `${OP} (reference)`);
  const adaptModel = inputAdapter(singleInputShape(model, OP), xs.shape, OP);
  let refIsProb: boolean | undefined;
  let modelIsProb: boolean | undefined;
  let agree = 0;
  let klSum = 0;

  await forEachBatch(count, opts.batchSize ?? DEFAULT_EVAL_BATCH_SIZE, opts.signal, async (start, size) => {
    const [r, m] = tf.tidy(() => {
      const x = sliceRows(xs, start, size);
      const r = predictBatch(reference, adaptRef(x), OP);
      const m = predictBatch(model, adaptModel(x), OP);
      if (r.shape[1] !== m.shape[1]) {
        throw new BonsaiError('OUTPUT_MISMATCH', `Error in ${OP}: the reference outputs ${r.shape[1]} classes but the model outputs ${m.shape[1]}; they cannot be compared.`,
          'Compare models that predict the same classes (e.g. a model and its optimized variant).');
      }
      return [r, m];
    });
    try {
      refIsProb ??= await isDistribution(r);
      modelIsProb ??= await isDistribution(m);
      const stats = tf.tidy(() => {
        const p = refIsProb ? r : tf.softmax(r);
        const q = modelIsProb ? m : tf.softmax(m);
        const logRatio = tf.sub(tf.log(tf.clipByValue(p, EPS, 1)), tf.log(tf.clipByValue(q, EPS, 1)));
        const kl = tf.relu(tf.sum(tf.mul(p, logRatio), -1)); // ≥ 0; clipping can leave a -1e-9 residue
        const same = tf.cast(tf.equal(tf.argMax(p, -1), tf.argMax(q, -1)), 'float32');
        return tf.stack([tf.sum(same), tf.sum(kl)]);
      });
      const [a, k] = await stats.data();
      stats.dispose();
      agree += a;
      klSum += k;
    } finally {
      r.dispose();
      m.dispose();
    }
    opts.onProgress?.(start + size, count);
  });
  return { agreement: agree / count, meanKL: klSum / count, count };
}
