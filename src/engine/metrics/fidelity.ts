/**
 * Fidelity of a model to a reference on the same inputs (no labels needed): top-1 agreement,
 * mean KL(reference ‖ model) per example, in nats, and the largest |Δ logit| — plus how the
 * reference's own top-1 classes spread over the inputs, because agreement on inputs the
 * reference puts all in one class says nothing (see `fidelityVerdict`).
 *
 * Outputs are compared as probability distributions. Each model's output is checked once, on the
 * first batch: if every row is non-negative and sums to 1 (±1e-3) it is taken as probabilities,
 * otherwise as logits and softmax is applied. Probabilities are clipped at 1e-7 inside the logs,
 * so a zero in the model's output costs a large but finite KL. Logits are compared after
 * log-softmax (a constant shift of all logits changes no prediction, so it is not a difference).
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
  /** Largest |log p_reference − log p_model| over every input and class (log-softmax logits). */
  maxLogitDelta: number;
  /** How many distinct top-1 classes the reference predicts on these inputs. */
  referenceClasses: number;
  /** Share of inputs on which the reference predicts its most frequent class, in (0, 1]. */
  referenceTopShare: number;
  count: number;
}

/** Agreement stops discriminating when the reference predicts (almost) one class everywhere. */
export const DEGENERATE_TOP_SHARE = 0.9;

/**
 * Why top-1 agreement cannot discriminate on these inputs, or null when it can: with fewer than
 * two distinct reference classes, or one class above 90% of inputs, a model that always says that
 * class scores (nearly) 100% agreement whatever it has lost.
 */
export function fidelityVerdict(r: Pick<FidelityResult, 'referenceClasses' | 'referenceTopShare' | 'count'>, inputs: string): string | null {
  if (r.referenceClasses >= 2 && r.referenceTopShare <= DEGENERATE_TOP_SHARE) return null;
  const share = `${(r.referenceTopShare * 100).toFixed(1)}%`;
  return `Top-1 agreement is not meaningful here: on ${r.count} ${inputs} the parent predicts ${r.referenceClasses < 2 ? 'one class for every input' : `one class for ${share} of them`}, ` +
    'so agreement cannot tell a damaged model from a good one. Compare the output distance (mean KL, max |Δ logit|) instead, or open a dataset that fits the model.';
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
  let maxLogitDelta = 0;
  const referenceCounts = new Map<number, number>();

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
      const [stats, refClass] = tf.tidy((): [tf.Tensor, tf.Tensor] => {
        const p = refIsProb ? r : tf.softmax(r);
        const q = modelIsProb ? m : tf.softmax(m);
        const logP = refIsProb ? tf.log(tf.clipByValue(p, EPS, 1)) : tf.logSoftmax(r);
        const logQ = modelIsProb ? tf.log(tf.clipByValue(q, EPS, 1)) : tf.logSoftmax(m);
        const logRatio = tf.sub(tf.log(tf.clipByValue(p, EPS, 1)), tf.log(tf.clipByValue(q, EPS, 1)));
        const kl = tf.relu(tf.sum(tf.mul(p, logRatio), -1)); // ≥ 0; clipping can leave a -1e-9 residue
        const refClass = tf.argMax(p, -1);
        const same = tf.cast(tf.equal(refClass, tf.argMax(q, -1)), 'float32');
        return [tf.stack([tf.sum(same), tf.sum(kl), tf.max(tf.abs(tf.sub(logP, logQ)))]), refClass];
      });
      const [a, k, d] = await stats.data();
      const classes = await refClass.data();
      tf.dispose([stats, refClass]);
      agree += a;
      klSum += k;
      maxLogitDelta = Math.max(maxLogitDelta, d);
      for (const c of classes) referenceCounts.set(c, (referenceCounts.get(c) ?? 0) + 1);
    } finally {
      r.dispose();
      m.dispose();
    }
    opts.onProgress?.(start + size, count);
  });
  return {
    agreement: agree / count,
    meanKL: klSum / count,
    maxLogitDelta,
    referenceClasses: referenceCounts.size,
    referenceTopShare: Math.max(...referenceCounts.values()) / count,
    count,
  };
}
