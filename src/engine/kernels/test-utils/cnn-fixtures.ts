/**
 * Test-only CNNs and data for the training-parity tests and the throughput measurement:
 * LeNet-5 (28×28×1) and a small depthwise-separable CNN with BatchNorm (16×16×3).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { randomValues } from './conv-cases';

export function buildLeNet5(): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [28, 28, 1], filters: 6, kernelSize: 5, padding: 'same', activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.conv2d({ filters: 16, kernelSize: 5, padding: 'valid', activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 120, activation: 'relu' }),
      tfl.layers.dense({ units: 84, activation: 'relu' }),
      tfl.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
}

/** Separable + depthwise convolutions, BatchNorm, max and average pooling. */
export function buildSeparableCnn(): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.separableConv2d({ inputShape: [16, 16, 3], filters: 8, kernelSize: 3, padding: 'same', depthMultiplier: 2 }),
      tfl.layers.batchNormalization(),
      tfl.layers.activation({ activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.depthwiseConv2d({ kernelSize: 3, strides: 2, depthMultiplier: 2, padding: 'same' }),
      tfl.layers.batchNormalization(),
      tfl.layers.activation({ activation: 'relu' }),
      tfl.layers.averagePooling2d({ poolSize: 2 }),
      tfl.layers.conv2d({ filters: 12, kernelSize: 1, activation: 'relu' }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
}

/** Random images in [-1, 1) and random one-hot labels over 10 classes. */
export function syntheticBatch(count: number, imageShape: [number, number, number], seed: number): { xs: tf.Tensor4D; ys: tf.Tensor2D } {
  const size = imageShape[0] * imageShape[1] * imageShape[2];
  const labels = Array.from(randomValues(count, seed + 1), (v) => Math.floor((v + 1) * 5) % 10);
  return tf.tidy(() => ({
    xs: tf.tensor4d(randomValues(count * size, seed), [count, ...imageShape]),
    ys: tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), 10), 'float32') as tf.Tensor2D,
  }));
}
