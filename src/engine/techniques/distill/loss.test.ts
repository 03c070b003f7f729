import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // registers the gradients, as the training loop's imports do
import { expect, it } from 'vitest';
import { describeEachBackend } from '../../test-utils/backends';
import { distillationLoss, hardLabelLoss, softTargetLoss } from './loss';

const S = [[1, 2, 0.5], [0, -1, 3]];
const T = [[2, 1, 0], [1, 1, 1]];
const Y = [[0, 1, 0], [0, 0, 1]];

/** The loss by hand, in float64. */
function byHand(temperature: number, alpha: number, labels: number[][] | null): number {
  const softmax = (row: number[], t: number) => {
    const e = row.map((v) => Math.exp(v / t));
    const z = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / z);
  };
  let kl = 0;
  let ce = 0;
  S.forEach((s, i) => {
    const p = softmax(T[i], temperature);
    const q = softmax(s, temperature);
    kl += p.reduce((sum, pj, j) => sum + pj * Math.log(pj / q[j]), 0);
    if (labels) ce -= labels[i].reduce((sum, yj, j) => sum + yj * Math.log(softmax(s, 1)[j]), 0);
  });
  const a = labels ? alpha : 0;
  return a * (ce / S.length) + (1 - a) * temperature * temperature * (kl / S.length);
}

async function value(fn: () => tf.Scalar): Promise<number> {
  const t = fn();
  const [v] = await t.data();
  t.dispose();
  return v;
}

describeEachBackend('distillation loss', () => {
  it.each([
    [1, 0.5],
    [2, 0.3],
    [4, 0],
    [8, 1],
  ])('matches the hand computation at T = %d, α = %d', async (temperature, alpha) => {
    const [s, t, y] = [tf.tensor2d(S), tf.tensor2d(T), tf.tensor2d(Y)];
    try {
      const got = await value(() => distillationLoss({ studentLogits: s, teacherLogits: t, labels: y, temperature, alpha }));
      expect(got).toBeCloseTo(byHand(temperature, alpha, Y), 5);
    } finally {
      tf.dispose([s, t, y]);
    }
  });

  it('forces α to 0 without labels: soft targets only', async () => {
    const [s, t] = [tf.tensor2d(S), tf.tensor2d(T)];
    try {
      const got = await value(() => distillationLoss({ studentLogits: s, teacherLogits: t, labels: null, temperature: 3, alpha: 0.7 }));
      expect(got).toBeCloseTo(byHand(3, 0, null), 5);
      expect(got).toBeCloseTo(await value(() => softTargetLoss(s, t, 3)), 6);
    } finally {
      tf.dispose([s, t]);
    }
  });

  it('soft term is 0 when the student equals the teacher up to a per-row constant; the hard term is cross-entropy', async () => {
    const t = tf.tensor2d(T);
    const logProbs = tf.logSoftmax(t); // what a softmax teacher's log-probabilities give
    const [s, y] = [tf.tensor2d(S), tf.tensor2d(Y)];
    try {
      expect(await value(() => softTargetLoss(t, logProbs, 4))).toBeCloseTo(0, 6);
      expect(await value(() => hardLabelLoss(s, y))).toBeCloseTo(byHand(1, 1, Y), 5);
    } finally {
      tf.dispose([t, logProbs, s, y]);
    }
  });

  it('has finite gradients with respect to the student logits', async () => {
    const [s, t, y] = [tf.tensor2d(S), tf.tensor2d(T), tf.tensor2d(Y)];
    try {
      // As in training: the gradient is taken inside a scope that frees what the tape saved.
      const g = tf.tidy(() => tf.grad((x: tf.Tensor) => distillationLoss({ studentLogits: x, teacherLogits: t, labels: y, temperature: 4, alpha: 0.5 }))(s));
      const values = await g.data();
      g.dispose();
      expect([...values].every(Number.isFinite)).toBe(true);
      // Each row's gradient sums to 0 (softmax is shift-invariant).
      expect(values[0] + values[1] + values[2]).toBeCloseTo(0, 5);
    } finally {
      tf.dispose([s, t, y]);
    }
  });
});
