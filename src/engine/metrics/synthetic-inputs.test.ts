import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { expect, it } from 'vitest';
import { disposeLoaded } from '../model/load';
import { describeEachBackend } from '../test-utils/backends';
import { loadedLayers } from '../test-utils/model-fixtures';
import { evaluateFidelity, fidelityVerdict } from './fidelity';
import { INPUT_DISTRIBUTIONS, spreadingInputs } from './synthetic-inputs';

async function dense(kernel: number[][], bias: number[]) {
  const model = tfl.sequential({ layers: [tfl.layers.dense({ units: bias.length, inputShape: [kernel.length], activation: 'softmax' })] });
  const w = [tf.tensor2d(kernel), tf.tensor1d(bias)];
  model.setWeights(w);
  tf.dispose(w);
  return loadedLayers(model);
}

describeEachBackend('spreadingInputs', () => {
  it('passes over a distribution that puts every input in one class', async () => {
    // Logits [x0, −x0]: every uniform-[0, 1] input is class 0; zero-centred inputs split the classes.
    const m = await dense([[1, -1], [0, 0]], [0, 0]);
    const { xs, distribution } = await spreadingInputs(m, 100);
    try {
      expect(INPUT_DISTRIBUTIONS[0].label).toBe('uniform [0, 1]');
      expect(distribution).not.toBe('uniform [0, 1]');
      expect(xs.shape).toEqual([100, 2]);
      const r = await evaluateFidelity(m, m, xs);
      expect(r.referenceClasses).toBe(2);
      expect(fidelityVerdict(r, 'synthetic inputs')).toBeNull();
    } finally {
      xs.dispose();
      disposeLoaded(m);
    }
  });

  it('a parent biased to one class stays degenerate on every distribution, and the verdict says so', async () => {
    const m = await dense([[0.1, -0.1, 0.05], [-0.05, 0.1, 0]], [500, 0, 0]);
    const { xs } = await spreadingInputs(m, 64);
    try {
      const r = await evaluateFidelity(m, m, xs);
      expect(r).toMatchObject({ agreement: 1, referenceClasses: 1, referenceTopShare: 1 });
      expect(fidelityVerdict(r, 'synthetic inputs')).toMatch(/not meaningful here/);
    } finally {
      xs.dispose();
      disposeLoaded(m);
    }
  });
});
