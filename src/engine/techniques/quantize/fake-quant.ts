/**
 * Fake quantization: round a float tensor onto an integer grid and return the grid values as
 * floats, so the float model computes what an integer runtime would. All grids are per tensor.
 *
 * - `fakeQuantAffine(x, bits)`: unsigned affine, range [min(x, 0), max(x, 0)] — widened to hold 0
 *   so that zero is a grid point exactly (zero padding and ReLU zeros stay exact):
 *   scale = (hi − lo)/(2^bits − 1), zeroPoint = round(−lo/scale),
 *   q = clip(round(x/scale) + zeroPoint, 0, 2^bits − 1), x̂ = (q − zeroPoint)·scale.
 *   Used for QAT weights (8 or 4 bits) and, with a calibrated range, for uint8 activations.
 * - `fakeQuantSymmetric(x, bits)`: signed symmetric, scale = max|x|/(2^(bits−1) − 1),
 *   x̂ = clip(round(x/scale), −(2^(bits−1) − 1), 2^(bits−1) − 1)·scale. The int8 weight grid of
 *   the integer simulation (TFLite's int8 weight convention, here per tensor).
 *
 * Everything is tensor ops (no read-back), so these run inside a training step's forward pass.
 */
import * as tf from '@tensorflow/tfjs-core';

/** Scales below this are treated as an all-zero tensor (the grid collapses to {0}). */
const TINY = 1e-30;

/** x̂ on the affine grid of [lo, hi] (scalars or numbers); lo ≤ 0 ≤ hi is enforced here. */
export function fakeQuantRange(x: tf.Tensor, lo: tf.Scalar | number, hi: tf.Scalar | number, bits: number): tf.Tensor {
  return tf.tidy(() => {
    const levels = 2 ** bits - 1;
    const l = tf.minimum(lo, 0);
    const h = tf.maximum(hi, 0);
    const scale = tf.maximum(tf.div(tf.sub(h, l), levels), TINY);
    const zeroPoint = tf.round(tf.div(tf.neg(l), scale));
    const q = tf.clipByValue(tf.add(tf.round(tf.div(x, scale)), zeroPoint), 0, levels);
    return tf.mul(tf.sub(q, zeroPoint), scale);
  });
}

export function fakeQuantAffine(x: tf.Tensor, bits: number): tf.Tensor {
  return tf.tidy(() => fakeQuantRange(x, tf.min(x) as tf.Scalar, tf.max(x) as tf.Scalar, bits));
}

export function fakeQuantSymmetric(x: tf.Tensor, bits: number): tf.Tensor {
  return tf.tidy(() => {
    const qmax = 2 ** (bits - 1) - 1;
    const scale = tf.maximum(tf.div(tf.max(tf.abs(x)), qmax), TINY);
    return tf.mul(tf.clipByValue(tf.round(tf.div(x, scale)), -qmax, qmax), scale);
  });
}

/**
 * The weights an integer runtime quantizes: kernels (Dense, Conv, Depthwise/Separable, Embedding),
 * i.e. weights of rank ≥ 2. Biases stay in high precision (int32 in TFLite, float here) and
 * BatchNormalization parameters are left as they are.
 */
export function isQuantizedKernel(name: string, shape: readonly number[]): boolean {
  return shape.length >= 2 && !/(moving_|gamma|beta)/.test(name);
}
