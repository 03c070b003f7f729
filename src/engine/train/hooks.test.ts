import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DatasetSplit } from '../data/types';
import { BonsaiError } from '../errors';
import { describeEachBackend } from '../test-utils/backends';
import { denseClassifier, disposeSplit, mnistSplit, weightValues } from '../test-utils/train-fixtures';
import { trainModel, type LossContext, type TrainConfig } from './loop';
import { crossEntropy, detectOutputKind } from './loss';
import { planTraining } from './plan';
import { batchGradients } from './step';

const CFG: TrainConfig = { epochs: 2, batchSize: 32, learningRate: 0.005, optimizer: 'adam', seed: 3 };
const GRID = 0.05;
const roundToGrid = (w: tf.Tensor) => tf.mul(tf.round(tf.div(w, GRID)), GRID);
const isKernel = (v: tfl.LayerVariable) => v.name.includes('kernel');
const kernels = (m: tfl.LayersModel) => m.trainableWeights.filter(isKernel);
const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

describeEachBackend('training hooks (Dense)', () => {
  let train: DatasetSplit;
  let validation: DatasetSplit;
  beforeAll(() => {
    train = mnistSplit('train', 256);
    validation = mnistSplit('test', 128);
  });
  afterAll(() => {
    disposeSplit(train);
    disposeSplit(validation);
  });

  it('afterStep: a pruning mask re-applied after every step leaves exact zeros', async () => {
    const model = denseClassifier({ inputs: 784, hidden: [32], classes: 10 });
    const masks = kernels(model).map((k, i) =>
      tf.tidy(() => tf.cast(tf.greater(tf.randomUniform(k.shape as number[], 0, 1, 'float32', 10 + i), 0.5), 'float32')),
    );
    const applyMasks = () => kernels(model).forEach((k, i) => tf.tidy(() => void k.write(tf.mul(k.read(), masks[i]))));
    const steps: number[] = [];
    try {
      applyMasks();
      const h = await trainModel(model, { train }, CFG, { hooks: { afterStep: (s) => (steps.push(s), applyMasks()) } });
      expect(steps).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
      expect(h.epochs[1].loss).toBeLessThan(h.epochs[0].loss);
      kernels(model).forEach((k, i) => {
        const w = k.read().dataSync();
        const m = masks[i].dataSync();
        let kept = 0;
        for (let j = 0; j < w.length; j++) {
          if (m[j] === 0) expect(Object.is(w[j], 0) || Object.is(w[j], -0)).toBe(true);
          else if (w[j] !== 0) kept++;
        }
        expect(kept).toBeGreaterThan(w.length / 4);
      });
    } finally {
      tf.dispose(masks);
      model.dispose();
    }
  });

  it('transformWeight (straight-through): gradients equal the gradients at the transformed weights', () => {
    const model = denseClassifier({ inputs: 784, hidden: [16], classes: 10, head: 'linear' });
    const xb = tf.slice(train.xs, [0], [32]);
    const yb = tf.slice(train.ys!, [0], [32]);
    const floats = model.getWeights().map((w) => w.clone());
    try {
      const ste = planTraining(model, { train }, { transformWeight: (v) => (isKernel(v) ? roundToGrid : null) }).train;
      const exact = planTraining(model, { train }, { transformWeight: (v) => (isKernel(v) ? roundToGrid : null), transformGradient: 'exact' }).train;
      const a = batchGradients(ste, xb, yb);
      const z = batchGradients(exact, xb, yb);
      // Forward on the grid for real, no transform: the STE gradient must be this one.
      kernels(model).forEach((k) => tf.tidy(() => void k.write(roundToGrid(k.read()))));
      const b = batchGradients(planTraining(model, { train }, undefined).train, xb, yb);
      try {
        expect(Object.keys(a.grads).sort()).toEqual(Object.keys(b.grads).sort());
        expect(maxDiff(a.loss, b.loss)).toBeLessThan(1e-6);
        for (const name of Object.keys(a.grads)) {
          expect(maxDiff(a.grads[name], b.grads[name]), name).toBeLessThan(1e-6);
          expect(tf.tidy(() => tf.max(tf.abs(a.grads[name])).dataSync()[0]), name).toBeGreaterThan(0);
        }
        // 'exact' differentiates round() itself: zero gradient for the kernels, as expected.
        for (const k of kernels(model)) expect(tf.tidy(() => tf.max(tf.abs(z.grads[k.name])).dataSync()[0])).toBe(0);
        // The layers read their float variables again after the pass.
        for (const w of model.trainableWeights) expect(w.read()).toBeInstanceOf(tf.Variable);
      } finally {
        for (const r of [a, b, z]) tf.dispose([r.loss, r.correct!, ...Object.values(r.grads)]);
      }
    } finally {
      model.setWeights(floats);
      tf.dispose([xb, yb, ...floats]);
      model.dispose();
    }
  });

  it('transformWeight: quantization-aware training reduces the loss, and validation sees the grid', async () => {
    const model = denseClassifier({ inputs: 784, hidden: [32], classes: 10 });
    try {
      const h = await trainModel(model, { train, validation }, CFG, {
        hooks: { transformWeight: (v) => (isKernel(v) ? roundToGrid : null) },
      });
      expect(h.epochs[1].loss).toBeLessThan(h.epochs[0].loss);
      // The float kernels moved off the grid (the optimizer updates floats)…
      const offGrid = tf.tidy(() => tf.max(tf.abs(tf.sub(kernels(model)[0].read(), roundToGrid(kernels(model)[0].read())))).dataSync()[0]);
      expect(offGrid).toBeGreaterThan(0);
      // …and the reported validation loss is the loss of the quantized model.
      kernels(model).forEach((k) => tf.tidy(() => void k.write(roundToGrid(k.read()))));
      const valLoss = tf.tidy(() => {
        const out = model.predict(tf.reshape(validation.xs, [validation.count, 784])) as tf.Tensor;
        return crossEntropy(out, validation.ys!, 'probabilities').dataSync()[0];
      });
      expect(Math.abs(valLoss - h.epochs[1].valLoss!)).toBeLessThan(1e-4);
    } finally {
      model.dispose();
    }
  });

  it('a transform that fails leaves the float weights in place and no tensors behind', async () => {
    const model = denseClassifier({ inputs: 784, hidden: [8], classes: 10 });
    const before = weightValues(model);
    try {
      const err = await trainModel(model, { train }, CFG, {
        hooks: { transformWeight: (v) => (isKernel(v) ? (w) => tf.reshape(w, [-1]) : null), transformGradient: 'exact' },
      }).catch((e: unknown) => e);
      expect((err as BonsaiError).code).toBe('INTERNAL');
      expect((err as BonsaiError).message).toMatch(/transform returned/);
      for (const w of model.trainableWeights) expect(w.read()).toBeInstanceOf(tf.Variable);
      expect(weightValues(model)).toEqual(before);
    } finally {
      model.dispose();
    }
  });

  it('loss hook: distillation on unlabeled data sees ys null', async () => {
    const teacher = denseClassifier({ inputs: 784, hidden: [32], classes: 10, seed: 9 });
    const student = denseClassifier({ inputs: 784, hidden: [8], classes: 10, head: 'linear', seed: 2 });
    const calls: Pick<LossContext, 'ys' | 'training' | 'outputKind'>[] = [];
    try {
      const h = await trainModel(
        student,
        { train: { ...train, ys: null }, validation: { ...validation, ys: null } },
        { ...CFG, learningRate: 0.01 },
        {
          hooks: {
            loss: (ctx) => {
              calls.push({ ys: ctx.ys, training: ctx.training, outputKind: ctx.outputKind });
              return tf.tidy(() => crossEntropy(ctx.outputs, teacher.predict(ctx.xs) as tf.Tensor, ctx.outputKind));
            },
          },
        },
      );
      expect(calls.length).toBeGreaterThan(0);
      expect(calls.every((c) => c.ys === null && c.outputKind === 'logits')).toBe(true);
      expect(new Set(calls.map((c) => c.training))).toEqual(new Set([true, false]));
      expect(h.epochs[1].loss).toBeLessThan(h.epochs[0].loss);
      expect(h.epochs[1].accuracy).toBeNull();
      expect(h.epochs[1].valLoss).toBeGreaterThan(0);
      expect(h.epochs[1].valAccuracy).toBeUndefined();
    } finally {
      teacher.dispose();
      student.dispose();
    }
  });

  it('detects softmax vs logits outputs; the two cross-entropies agree', () => {
    const soft = denseClassifier({ inputs: 4, hidden: [], classes: 3 });
    const logits = denseClassifier({ inputs: 4, hidden: [], classes: 3, head: 'linear' });
    const act = tfl.sequential({ layers: [tfl.layers.dense({ units: 3, inputShape: [4] }), tfl.layers.activation({ activation: 'softmax' })] });
    const sm = tfl.sequential({ layers: [tfl.layers.dense({ units: 3, inputShape: [4] }), tfl.layers.softmax()] });
    try {
      expect([soft, logits, act, sm].map(detectOutputKind)).toEqual(['probabilities', 'logits', 'probabilities', 'probabilities']);
      const [a, b] = tf.tidy(() => {
        const z = tf.tensor2d([[1, 2, 3], [3, -1, 0]]);
        const y = tf.tensor2d([[0, 0, 1], [0, 1, 0]]);
        return [crossEntropy(z, y, 'logits').dataSync()[0], crossEntropy(tf.softmax(z), y, 'probabilities').dataSync()[0]];
      });
      expect(a).toBeCloseTo(b, 5);
    } finally {
      [soft, logits, act, sm].forEach((m) => m.dispose());
    }
  });
});

// CNN training on wasm runs through Bonsai's own Conv2DBackpropFilter (kernels/register.ts).
describeEachBackend('trainModel (CNN)', () => {
  it('trains a small convnet on MNIST images', async () => {
    const data = mnistSplit('train', 64);
    const model = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ inputShape: [28, 28, 1], filters: 4, kernelSize: 5, strides: 2, activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }),
      ],
    });
    try {
      const h = await trainModel(model, { train: data }, { ...CFG, epochs: 3, batchSize: 16, learningRate: 0.01 });
      expect(h.epochs[2].loss).toBeLessThan(h.epochs[0].loss);
    } finally {
      model.dispose();
      disposeSplit(data);
    }
  });
});
