import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { expect, it } from 'vitest';
import { describeEachBackend } from '../test-utils/backends';
import { kernelMacs, profileTrainingStep } from './training-flops';

it('kernelMacs counts the multiply-adds of each multiply-add kernel from its shapes, and 0 for the rest', () => {
  // conv: 2×6×6×5 outputs, each a 3×3×4 window
  expect(kernelMacs('FusedConv2D', [[2, 8, 8, 4], [3, 3, 4, 5]], [[2, 6, 6, 5]])).toBe(2 * 6 * 6 * 5 * 3 * 3 * 4);
  // its input gradient and filter gradient do the same multiply-adds
  expect(kernelMacs('Conv2DBackpropInput', [[2, 6, 6, 5], [3, 3, 4, 5]], [[2, 8, 8, 4]])).toBe(2 * 6 * 6 * 5 * 3 * 3 * 4);
  expect(kernelMacs('Conv2DBackpropFilter', [[2, 8, 8, 4], [2, 6, 6, 5]], [[3, 3, 4, 5]])).toBe(2 * 6 * 6 * 5 * 3 * 3 * 4);
  // matmul [7, 4] × [4, 3], also when transposed (a stored as [4, 7]) and batched
  expect(kernelMacs('MatMul', [[7, 4], [4, 3]], [[7, 3]])).toBe(7 * 4 * 3);
  expect(kernelMacs('_FusedMatMul', [[4, 7], [4, 3]], [[7, 3]])).toBe(7 * 4 * 3);
  expect(kernelMacs('BatchMatMul', [[2, 7, 4], [2, 4, 3]], [[2, 7, 3]])).toBe(2 * 7 * 4 * 3);
  expect(kernelMacs('DepthwiseConv2dNative', [[1, 5, 5, 3], [3, 3, 3, 2]], [[1, 3, 3, 6]])).toBe(3 * 3 * 6 * 3 * 3);
  expect(kernelMacs('Relu', [[2, 3]], [[2, 3]])).toBe(0);
  expect(kernelMacs('MaxPool', [[1, 4, 4, 1]], [[1, 2, 2, 1]])).toBe(0);
});

describeEachBackend('profileTrainingStep', () => {
  it('counts a dense step: forward x·W, the weight gradient xᵀ·dy and the input gradient dy·Wᵀ TF.js also runs', async () => {
    const model = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [4], units: 3, activation: 'softmax' })] });
    model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    const xs = tf.ones([2, 4]);
    const ys = tf.oneHot([0, 2], 3);
    const before = tf.memory().numTensors;
    const step = await profileTrainingStep(model, xs, ys);
    expect(tf.memory().numTensors).toBe(before);
    const matmulFlops = step.kernels.filter((k) => /MatMul/.test(k.kernel)).reduce((n, k) => n + k.flops, 0);
    // the fused matmul's gradient computes both operands' gradients, the model input's too: 3 products
    expect(matmulFlops).toBe(3 * 2 * (2 * 4 * 3));
    expect(step.flops).toBe(step.kernels.reduce((n, k) => n + k.flops, 0));
    expect(step.kernels.some((k) => k.kernel.endsWith('__op'))).toBe(false);
    tf.dispose([xs, ys]);
    model.dispose();
  });

  it('counts a conv step with its filter gradient (Bonsai\'s kernel on wasm) once', async () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ inputShape: [6, 6, 1], filters: 2, kernelSize: 3, activation: 'relu' }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 3, activation: 'softmax' }),
      ],
    });
    model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    const xs = tf.ones([2, 6, 6, 1]);
    const ys = tf.oneHot([0, 1], 3);
    const before = tf.memory().numTensors;
    const step = await profileTrainingStep(model, xs, ys);
    expect(tf.memory().numTensors).toBe(before);
    const convMacs = 2 * 4 * 4 * 2 * 3 * 3 * 1;
    const filterGrad = step.kernels.find((k) => k.kernel === 'Conv2DBackpropFilter');
    expect(filterGrad?.calls).toBe(1);
    expect(filterGrad?.flops).toBe(2 * convMacs);
    const conv = step.kernels.filter((k) => k.kernel === 'Conv2D' || k.kernel === 'FusedConv2D').reduce((n, k) => n + k.flops, 0);
    expect(conv).toBe(2 * convMacs);
    tf.dispose([xs, ys]);
    model.dispose();
  });
});
