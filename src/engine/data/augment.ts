import * as tf from '@tensorflow/tfjs-core';
import { mulberry32 } from '../train/shuffle';

/** Random shifts of up to ±2 px (zero fill): valid for digits and most image classes. */
export const MAX_SHIFT_PX = 2;

/**
 * Random translation by up to ±maxShift pixels per image (zero fill), seeded per step so a
 * training run is reproducible. NHWC input; returns a new tensor of the same shape.
 */
export function randomShift(xs: tf.Tensor, maxShift: number, seed: number): tf.Tensor {
  if (maxShift <= 0 || xs.rank !== 4) return xs.clone();
  const [n, h, w] = xs.shape as [number, number, number, number];
  const rand = mulberry32(seed);
  const padded = tf.pad(xs, [[0, 0], [maxShift, maxShift], [maxShift, maxShift], [0, 0]]);
  const images: tf.Tensor[] = [];
  for (let i = 0; i < n; i++) {
    const dy = Math.floor(rand() * (2 * maxShift + 1));
    const dx = Math.floor(rand() * (2 * maxShift + 1));
    images.push(tf.slice(padded, [i, dy, dx, 0], [1, h, w, -1]));
  }
  const out = tf.concat(images, 0);
  tf.dispose([padded, ...images]);
  return out;
}

/**
 * The seeded shift of one training step (1-based `step`): the one formula every training run uses,
 * so the same seed gives the same pixels in a fine-tune, a distillation and its baseline alike.
 */
export function seededShift(xs: tf.Tensor, step: number, seed: number, maxShift: number = MAX_SHIFT_PX): tf.Tensor {
  return randomShift(xs, maxShift, seed * 1_000_003 + step);
}
