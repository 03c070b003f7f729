/**
 * Cross-layer range equalization (Nagel et al., 2019, "Data-Free Quantization Through Weight
 * Equalization and Bias Correction", §4.1). For consecutive layers A → B with a positively
 * homogeneous function between them (see equalize-pairs.ts), A's output channel i is divided by sᵢ
 * (kernel and bias) and B's input channel i multiplied by sᵢ, which leaves the model's function
 * exactly unchanged. With rᵢ¹ = max|A's weights for output channel i| and rᵢ² = max|B's weights
 * for input channel i|,
 *
 *     sᵢ = √(rᵢ¹ · rᵢ²) / rᵢ²    ⇒    rᵢ¹/sᵢ = rᵢ²·sᵢ = √(rᵢ¹ · rᵢ²),
 *
 * so both sides of every channel get the same range, which is what a per-tensor grid needs:
 * a depthwise layer with one channel at ±20 and another at ±0.01 no longer wastes the uint8 grid.
 * Chains (A → B → C) are swept until the scales settle (B is rescaled from both sides). Channels
 * with an all-zero side keep sᵢ = 1.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { cloneLayersModel } from '../../model/serialize';
import { throwIfAborted } from '../../runtime/yield';
import { biasOf, findEqualizablePairs, kernelOf, type EqualizablePair, type SkippedPair } from './equalize-pairs';

export { biasCorrection, type BiasCorrectionRow } from './bias-correction';
export { runEqualize } from './equalize-run';
export type { SkippedPair } from './equalize-pairs';

export interface EqualizedPair {
  first: string;
  second: string;
  /** Cumulative sᵢ per channel (A's channel i was divided by it, B's multiplied). */
  scales: number[];
}

export interface EqualizeResult {
  /** A new model (the input is not touched); the caller disposes it. */
  model: LayersModel;
  pairs: EqualizedPair[];
  skipped: SkippedPair[];
  sweeps: number;
}

const MAX_SWEEPS = 20;
/** Stop when no channel scale of a sweep moves more than this (relative). */
const SETTLED = 1e-4;

/** One rescale of one pair; returns this sweep's sᵢ. */
function equalizePair(p: EqualizablePair): tf.Tensor1D {
  return tf.tidy(() => {
    const kernelA = kernelOf(p.first)!;
    const kernelB = kernelOf(p.second)!;
    const biasA = biasOf(p.first);
    const a = tf.reshape(kernelA.read(), [-1, p.channels]);
    const b = tf.reshape(kernelB.read(), p.secondView);
    const r1 = tf.max(tf.abs(a), 0);
    const r2 = tf.max(tf.abs(b), [0, 2]);
    const usable = tf.logicalAnd(tf.greater(r1, 0), tf.greater(r2, 0));
    const s = tf.where(usable, tf.div(tf.sqrt(tf.mul(r1, r2)), tf.where(usable, r2, tf.onesLike(r2))), tf.onesLike(r1)) as tf.Tensor1D;
    kernelA.write(tf.reshape(tf.div(a, s), kernelA.shape as number[]));
    if (biasA) biasA.write(tf.div(biasA.read(), s));
    kernelB.write(tf.reshape(tf.mul(b, tf.reshape(s, [1, p.channels, 1])), kernelB.shape as number[]));
    return s;
  });
}

/** Clone `model` and equalize every qualifying pair of the clone. */
export async function equalizeModel(model: LayersModel, signal?: AbortSignal): Promise<EqualizeResult> {
  const clone = await cloneLayersModel(model);
  try {
    const { pairs, skipped } = findEqualizablePairs(clone);
    const total = pairs.map((p) => new Float64Array(p.channels).fill(1));
    let sweeps = 0;
    while (sweeps < MAX_SWEEPS && pairs.length > 0) {
      throwIfAborted(signal);
      sweeps++;
      let moved = 0;
      for (let k = 0; k < pairs.length; k++) {
        const s = equalizePair(pairs[k]);
        const values = await s.data();
        s.dispose();
        values.forEach((v, i) => {
          total[k][i] *= v;
          moved = Math.max(moved, Math.abs(v - 1));
        });
      }
      if (moved < SETTLED) break;
    }
    return {
      model: clone,
      pairs: pairs.map((p, k) => ({ first: p.first.name, second: p.second.name, scales: Array.from(total[k]) })),
      skipped,
      sweeps,
    };
  } catch (e) {
    clone.dispose();
    throw e;
  }
}
