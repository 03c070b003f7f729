import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DatasetSplit } from '../data/types';
import { summarize } from '../metrics/summary';
import { disposeLoaded } from '../model/load';
import type { LoadedModel } from '../model/loaded';
import { describeEachBackend } from '../test-utils/backends';
import { loadedLayers } from '../test-utils/model-fixtures';
import { denseClassifier, disposeSplit, mnistSplit } from '../test-utils/train-fixtures';
import { measureVariant, type MeasuredModel } from './measure';

const OUTPUT = { files: [], name: 'v', step: 'a step', perLayer: [], notes: ['a note'] };
const DEVICE = { backend: 'wasm', userAgent: 'test' } as never;

describeEachBackend('measureVariant', () => {
  let parent: MeasuredModel;
  let child: MeasuredModel;
  let test: DatasetSplit;
  beforeAll(async () => {
    const measured = async (seed: number, name: string): Promise<MeasuredModel> => {
      const loaded = await loadedLayers(denseClassifier({ inputs: 784, hidden: [8], classes: 10, seed }));
      return { loaded, name, summary: await summarize(loaded), residentBytes: null };
    };
    parent = await measured(1, 'parent');
    child = await measured(2, 'child');
    const t = mnistSplit('test', 64);
    test = { xs: tf.reshape(t.xs, [64, 784]), ys: t.ys, count: 64 };
    t.xs.dispose();
  });
  afterAll(() => {
    disposeLoaded(parent.loaded as LoadedModel);
    disposeLoaded(child.loaded as LoadedModel);
    disposeSplit(test);
  });

  it('measures both the same way on the test split, latency carrying the device it ran on', async () => {
    const r = await measureVariant(parent, child, OUTPUT, [{ technique: 'prune', config: {} }], 'a step', {
      test, device: DEVICE, latencyBatchSizes: [1], latencySamples: 30, progress: () => {},
    });
    expect(r.before.accuracy).toEqual(expect.any(Number));
    expect(r.after.accuracy).toEqual(expect.any(Number));
    expect(r.fidelity).toMatchObject({ inputs: 'test split', count: 64 });
    expect(r.latency).toHaveLength(1);
    expect(r.latency[0].device).toBe(DEVICE);
    expect(r.before.flops).toBe(parent.summary.flops);
    expect(r.notes).toEqual(['a note']);
  });

  it('without a test split accuracy is null with the reason, never 0; fidelity says its inputs are synthetic', async () => {
    const r = await measureVariant(parent, child, OUTPUT, [], 'a step', {
      noTestReason: 'No dataset: methods that need data were not available.', device: null, latencyBatchSizes: [], progress: () => {},
    });
    expect(r.before.accuracy).toBeNull();
    expect(r.after.accuracyUnknown).toMatch(/No dataset/);
    expect(r.fidelity?.inputs).toBe('synthetic (weak: no dataset fits)');
    expect(r.fidelity?.distribution).toEqual(expect.any(String));
    expect(r.fidelity?.maxLogitDelta).toBeGreaterThan(0);
  });

  it('a parent that predicts one class on every synthetic input: agreement is not meaningful, the output distance stands', async () => {
    const biased = async (bias: number): Promise<MeasuredModel> => {
      // Small weights and a bias far above any input's pull: class 0 for every input.
      const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 10, inputShape: [784], activation: 'softmax' })] });
      const w = [tf.randomUniform([784, 10], -0.05, 0.05, 'float32', 3), tf.tensor1d([bias, 0, 0, 0, 0, 0, 0, 0, 0, 0])];
      model.setWeights(w);
      tf.dispose(w);
      const loaded = await loadedLayers(model);
      return { loaded, name: 'biased', summary: await summarize(loaded), residentBytes: null };
    };
    const p = await biased(10_000);
    const c = await biased(9_999);
    try {
      const r = await measureVariant(p, c, OUTPUT, [], 's', { device: null, latencyBatchSizes: [], progress: () => {} });
      expect(r.fidelity).toMatchObject({ agreement: 1, parentClasses: 1, parentTopShare: 1 });
      expect(r.fidelity?.notMeaningful).toMatch(/not meaningful here.*one class for every input/);
      expect(r.fidelity?.maxLogitDelta).toEqual(expect.any(Number));
    } finally {
      disposeLoaded(p.loaded);
      disposeLoaded(c.loaded);
    }
  });

  it('unlabeled test data: accuracy null, saying to look at fidelity', async () => {
    const r = await measureVariant(parent, child, OUTPUT, [], 's', { test: { ...test, ys: null }, device: null, latencyBatchSizes: [], progress: () => {} });
    expect(r.after.accuracy).toBeNull();
    expect(r.after.accuracyUnknown).toMatch(/no labels/);
    expect(r.fidelity?.inputs).toBe('test split');
  });

  it('a failing accuracy measurement is null with the error, and a cancel is rethrown', async () => {
    const wrong = { xs: test.xs, ys: tf.slice(test.ys!, [0, 0], [64, 5]), count: 64 };
    try {
      const r = await measureVariant(parent, child, OUTPUT, [], 's', { test: wrong, device: null, latencyBatchSizes: [], progress: () => {} });
      expect(r.after.accuracy).toBeNull();
      expect(r.after.accuracyUnknown).toMatch(/could not be measured/);
    } finally {
      wrong.ys.dispose();
    }
    const controller = new AbortController();
    controller.abort();
    await expect(measureVariant(parent, child, OUTPUT, [], 's', { test, device: null, signal: controller.signal, progress: () => {} })).rejects.toMatchObject({ name: 'AbortError' });
  });
});
