import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DatasetSplit } from '../../data/types';
import { BonsaiError } from '../../errors';
import { describeEachBackend } from '../../test-utils/backends';
import { loadedLayers } from '../../test-utils/model-fixtures';
import { denseClassifier, disposeSplit, mnistSplit } from '../../test-utils/train-fixtures';
import { runAuto } from './auto';
import { runCluster } from './cluster-run';
import { DEQUANTIZE_ON_LOAD_NOTE } from './meta';
import { seededInputs, sparseDense, stockArtifacts, zerosLostUpToChannelOrder } from './test-utils/quantize-fixtures';

const ctx = { progress: () => {} };

describeEachBackend('auto precision', () => {
  let validation: DatasetSplit;
  beforeAll(() => {
    validation = { xs: seededInputs(64, 20), ys: null, count: 64 };
  });
  afterAll(() => disposeSplit(validation));

  it('a generous fidelity budget picks the smallest gzip per layer; the result loads and says so', async () => {
    const model = sparseDense();
    try {
      const result = await runAuto(await loadedLayers(model), { method: 'auto', budget: { kind: 'fidelity-drop', points: 100 }, candidates: ['float32', 'uint8', { clusters: 4 }] }, { validation }, ctx);
      expect(result.perLayer.map((r) => r.precision)).toEqual(['4 clusters', '4 clusters']);
      expect(result.notes).toContain(DEQUANTIZE_ON_LOAD_NOTE);
      const stock = await tfl.loadLayersModel(tf.io.fromMemory(stockArtifacts(result.files)));
      stock.dispose();
    } finally {
      model.dispose();
    }
  });

  it('a zero budget keeps the measured drop at zero', async () => {
    const model = sparseDense();
    try {
      const result = await runAuto(await loadedLayers(model), { method: 'auto', budget: { kind: 'fidelity-drop', points: 0 }, candidates: ['float32', 'float16', { clusters: 2 }] }, { validation }, ctx);
      expect(result.perLayer.every((r) => r.precision !== '2 clusters' || r.predictedDrop === 0)).toBe(true);
      expect(result.notes.join(' ')).toMatch(/loss of the chosen configuration: 0\.00 points/);
    } finally {
      model.dispose();
    }
  });

  it('a budget no configuration meets is refused, naming the closest', async () => {
    const model = sparseDense();
    try {
      const err = await runAuto(await loadedLayers(model), { method: 'auto', budget: { kind: 'fidelity-drop', points: 0 }, candidates: [{ clusters: 2 }] }, { validation }, ctx).catch((e) => e);
      expect(err).toBeInstanceOf(BonsaiError);
      expect(err.code).toBe('BAD_CONFIG');
      expect(err.message).toMatch(/closest, .*: 2 clusters.* loses \d+\.\d\d points/);
      const noLabels = await runAuto(await loadedLayers(model), { method: 'auto', budget: { kind: 'accuracy-drop', points: 1 } }, { validation }, ctx).catch((e) => e);
      expect(noLabels.code).toBe('UNLABELED_DATA');
    } finally {
      model.dispose();
    }
  });
});

describeEachBackend('cluster centroid fine-tuning', () => {
  let train: DatasetSplit;
  let validation: DatasetSplit;
  beforeAll(() => {
    train = mnistSplit('train', 128);
    validation = mnistSplit('test', 64);
  });
  afterAll(() => {
    disposeSplit(train);
    disposeSplit(validation);
  });

  it('trains through the loop and writes ≤ k values per tensor on the grid, zeros kept', async () => {
    const model = denseClassifier({ inputs: 784, hidden: [16], classes: 10, seed: 4 });
    tf.tidy(() => {
      const [k, b] = model.layers[0].getWeights();
      model.layers[0].setWeights([tf.mul(k, tf.cast(tf.greater(tf.abs(k), 0.03), 'float32')), b]);
    });
    const k0 = model.layers[0].getWeights()[0].dataSync().slice();
    try {
      const result = await runCluster(await loadedLayers(model), {
        method: 'cluster', k: 8,
        fineTune: { epochs: 1, batchSize: 32, learningRate: 0.001, optimizer: 'adam', seed: 1, maxBatchesPerEpoch: 3 },
      }, { train, validation }, ctx);
      expect(result.history?.epochs).toHaveLength(1);
      const stock = await tfl.loadLayersModel(tf.io.fromMemory(stockArtifacts(result.files)));
      const k1 = stock.layers[0].getWeights()[0].dataSync();
      expect(new Set(k1).size).toBeLessThanOrEqual(8);
      expect(zerosLostUpToChannelOrder(k0, k1, 16)).toBe(0);
      stock.dispose();
    } finally {
      model.dispose();
    }
  });
});
