/**
 * Test-only models for equalization and simulation: a seeded MLP and a small depthwise CNN, and a
 * way to give a model the per-channel range imbalance that breaks per-tensor quantization
 * without changing its function (scale A's channel i by cᵢ, B's input channel i by 1/cᵢ).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { kernelOf, biasOf } from './equalize-pairs';

const init = (seed: number) => tfl.initializers.glorotUniform({ seed });

export function depthwiseCnn(opts: { seed?: number; head?: 'softmax' | 'linear'; batchNorm?: boolean } = {}): tfl.LayersModel {
  const seed = opts.seed ?? 1;
  const input = tfl.input({ shape: [8, 8, 1] });
  let x = tfl.layers.conv2d({ name: 'conv', filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(seed), biasInitializer: tfl.initializers.randomUniform({ minval: -0.1, maxval: 0.1, seed: seed + 9 }) }).apply(input) as tfl.SymbolicTensor;
  if (opts.batchNorm) x = tfl.layers.batchNormalization({ name: 'bn' }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.depthwiseConv2d({ name: 'dw', kernelSize: 3, padding: 'same', activation: 'relu', depthwiseInitializer: init(seed + 1), biasInitializer: tfl.initializers.randomUniform({ minval: -0.1, maxval: 0.1, seed: seed + 8 }) }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.conv2d({ name: 'pw', filters: 12, kernelSize: 1, activation: 'linear', kernelInitializer: init(seed + 2) }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.reLU({ name: 'pw_relu' }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.maxPooling2d({ name: 'pool', poolSize: 2 }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.flatten({ name: 'flat' }).apply(x) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ name: 'head', units: 10, activation: opts.head ?? 'linear', kernelInitializer: init(seed + 3) }).apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out });
}

/** Multiply `first`'s output channel i by cᵢ and divide `second`'s input channel i by it (exact). */
export function imbalance(model: tfl.LayersModel, first: string, second: string, factors: number[]): void {
  tf.tidy(() => {
    const a = model.getLayer(first);
    const b = model.getLayer(second);
    const ka = kernelOf(a)!;
    const kb = kernelOf(b)!;
    const c = tf.tensor1d(factors);
    const C = factors.length;
    ka.write(tf.reshape(tf.mul(tf.reshape(ka.read(), [-1, C]), c), ka.shape as number[]));
    const bias = biasOf(a);
    if (bias) bias.write(tf.mul(bias.read(), c));
    const sb = kb.shape as number[];
    const pre = b.getClassName() === 'Dense' ? sb[0] / C : sb[0] * sb[1];
    kb.write(tf.reshape(tf.div(tf.reshape(kb.read(), [pre, C, -1]), tf.reshape(c, [1, C, 1])), sb));
  });
}

/** Spread of per-channel factors from 10^-lo to 10^hi over C channels. */
export function logSpread(C: number, decades: number): number[] {
  return Array.from({ length: C }, (_, i) => 10 ** (decades * (i / (C - 1) - 0.5)));
}

/** A copy of the model's weights with every kernel fake-quantized (test helper, in place). */
export function quantizeKernelsInPlace(model: tfl.LayersModel, q: (w: tf.Tensor) => tf.Tensor): void {
  for (const layer of model.layers) {
    const k = kernelOf(layer);
    if (k) tf.tidy(() => void k.write(q(k.read())));
  }
}
