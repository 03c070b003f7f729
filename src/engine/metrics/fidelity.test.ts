import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { BonsaiError } from '../errors';
import { disposeLoaded } from '../model/load';
import { describeEachBackend } from '../test-utils/backends';
import { loadedLayers } from '../test-utils/model-fixtures';
import { evaluateFidelity, fidelityVerdict } from './fidelity';

/** A Dense model with the given weights: `activation` 'softmax' outputs probabilities, 'linear' logits. */
async function dense(kernel: number[][], bias: number[], activation: 'softmax' | 'linear') {
  const model = tfl.sequential({ layers: [tfl.layers.dense({ units: bias.length, inputShape: [kernel.length], activation })] });
  const w = [tf.tensor2d(kernel), tf.tensor1d(bias)];
  model.setWeights(w);
  tf.dispose(w);
  return loadedLayers(model);
}

const K = [[1, -2, 0.5], [0.3, 1, -1]];
const B = [0.1, 0, -0.2];

async function failure(p: Promise<unknown>): Promise<BonsaiError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(BonsaiError);
  return e as BonsaiError;
}

describeEachBackend('evaluateFidelity', () => {
  it('a model against itself: agreement 1, KL 0', async () => {
    const m = await dense(K, B, 'softmax');
    const xs = tf.randomUniform([7, 2], -2, 2, 'float32', 1);
    try {
      const r = await evaluateFidelity(m, m, xs, { batchSize: 3 });
      expect(r).toMatchObject({ agreement: 1, meanKL: 0, maxLogitDelta: 0, count: 7 });
      expect(r.referenceClasses).toBeGreaterThanOrEqual(2);
    } finally {
      xs.dispose();
      disposeLoaded(m);
    }
  });

  it('softmaxes logits: a logits model against its softmax twin has KL ≈ 0', async () => {
    const probs = await dense(K, B, 'softmax');
    const logits = await dense(K, B, 'linear');
    const xs = tf.randomUniform([9, 2], -2, 2, 'float32', 2);
    try {
      const r = await evaluateFidelity(probs, logits, xs, { batchSize: 4 });
      expect(r.agreement).toBe(1);
      expect(r.meanKL).toBeLessThan(1e-6);
    } finally {
      xs.dispose();
      disposeLoaded(probs);
      disposeLoaded(logits);
    }
  });

  it('matches a hand-computed KL and agreement for constant outputs', async () => {
    // Zero kernels: the outputs are softmax(bias) for every input.
    const zeros = [[0, 0], [0, 0]];
    const ref = await dense(zeros, [Math.log(0.7), Math.log(0.3)], 'softmax'); // p = [0.7, 0.3]
    const mod = await dense(zeros, [Math.log(0.4), Math.log(0.6)], 'softmax'); // q = [0.4, 0.6]
    const xs = tf.ones([5, 2]);
    try {
      const r = await evaluateFidelity(ref, mod, xs);
      expect(r.agreement).toBe(0);
      expect(r.meanKL).toBeCloseTo(0.7 * Math.log(0.7 / 0.4) + 0.3 * Math.log(0.3 / 0.6), 5);
      // |log 0.3 − log 0.6| = log 2 > |log 0.7 − log 0.4|
      expect(r.maxLogitDelta).toBeCloseTo(Math.log(2), 5);
      // The reference says class 0 for every input: agreement cannot discriminate here.
      expect(r).toMatchObject({ referenceClasses: 1, referenceTopShare: 1 });
      expect(fidelityVerdict(r, 'synthetic inputs')).toMatch(/not meaningful here.*one class for every input/);
    } finally {
      xs.dispose();
      disposeLoaded(ref);
      disposeLoaded(mod);
    }
  });

  it('max |Δ logit| ignores a shift of every logit (it changes no prediction)', async () => {
    const a = await dense(K, B, 'linear');
    const b = await dense(K, B.map((v) => v + 5), 'linear');
    const xs = tf.randomUniform([6, 2], -2, 2, 'float32', 3);
    try {
      const r = await evaluateFidelity(a, b, xs);
      expect(r.maxLogitDelta).toBeLessThan(1e-4);
      expect(r.agreement).toBe(1);
    } finally {
      xs.dispose();
      disposeLoaded(a);
      disposeLoaded(b);
    }
  });

  it('refuses different class counts and inputs of the wrong shape', async () => {
    const three = await dense(K, B, 'softmax');
    const two = await dense([[1, 0], [0, 1]], [0, 0], 'softmax');
    const xs = tf.ones([3, 2]);
    const bad = tf.ones([3, 5]);
    try {
      const e = await failure(evaluateFidelity(three, two, xs));
      expect(e.code).toBe('OUTPUT_MISMATCH');
      expect(e.message).toMatch(/3 classes.*2/);
      const s = await failure(evaluateFidelity(three, three, bad));
      expect(s.code).toBe('WRONG_INPUT_SHAPE');
      expect(s.message).toMatch(/\[5\].*\[2\]/);
    } finally {
      tf.dispose([xs, bad]);
      disposeLoaded(three);
      disposeLoaded(two);
    }
  });
});

describe('fidelityVerdict', () => {
  it.each([
    { referenceClasses: 1, referenceTopShare: 1, meaningful: false },
    { referenceClasses: 3, referenceTopShare: 0.95, meaningful: false },
    { referenceClasses: 2, referenceTopShare: 0.9, meaningful: true },
    { referenceClasses: 10, referenceTopShare: 0.2, meaningful: true },
  ])('$referenceClasses classes, top share $referenceTopShare → meaningful: $meaningful', ({ meaningful, ...r }) => {
    const v = fidelityVerdict({ ...r, count: 100 }, 'synthetic inputs');
    if (meaningful) expect(v).toBeNull();
    else expect(v).toMatch(/not meaningful here/);
  });
});
