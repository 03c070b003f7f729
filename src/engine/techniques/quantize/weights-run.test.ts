import { bonsaiErrorOf } from '../../test-utils/errors';
import * as tf from '@tensorflow/tfjs-core';
import { loadGraphModel } from '@tensorflow/tfjs-converter';
import * as tfl from '@tensorflow/tfjs-layers';
import { expect, it } from 'vitest';
import { disposeLoaded, loadPrepared } from '../../model/load';
import { prepareModel } from '../../model/validate';
import { describeEachBackend } from '../../test-utils/backends';
import { loadedLayers } from '../../test-utils/model-fixtures';
import { runCluster } from './cluster-run';
import { quantizeFiles } from './encode';
import { DEQUANTIZE_ON_LOAD_NOTE, type WeightPrecision } from './meta';
import { runPTQ } from './ptq';
import { GRAPH_INPUTS, manifestOf, seededInputs, sparseDense, stockArtifacts, tinyGraph, zerosLostUpToChannelOrder } from './test-utils/quantize-fixtures';

const ctx = { progress: () => {} };
const maxAbsDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
const TOLERANCE: Record<WeightPrecision, number> = { float32: 0, float16: 2e-3, uint16: 1e-3, uint8: 0.05 };

const caught = bonsaiErrorOf;

describeEachBackend('weight quantization runs', () => {
  for (const precision of ['float16', 'uint16', 'uint8'] as const) {
    it(`LayersModel ${precision}: stock loadLayersModel reads it, outputs stay close, zeros exact`, async () => {
      const model = sparseDense();
      const input = await loadedLayers(model);
      const x = seededInputs(16, 20);
      const result = await runPTQ(input, { method: 'ptq', default: precision });
      const stock = await tfl.loadLayersModel(tf.io.fromMemory(stockArtifacts(result.files)));
      try {
        expect(manifestOf(result.files).every((s) => s.quantization?.dtype === precision)).toBe(true);
        const [a, b] = [model.predict(x) as tf.Tensor, stock.predict(x) as tf.Tensor];
        expect(maxAbsDiff(a, b)).toBeLessThan(TOLERANCE[precision]);
        tf.dispose([a, b]);
        const before = model.layers[0].getWeights()[0].dataSync();
        const after = stock.layers[0].getWeights()[0].dataSync();
        before.forEach((v, i) => v === 0 && expect(after[i] === 0).toBe(true)); // ±0
        expect(result.notes).toContain(DEQUANTIZE_ON_LOAD_NOTE);
        expect(result.perLayer.map((r) => r.layer)).toEqual(model.layers.map((l) => l.name));
        const bytes = result.perLayer.reduce((s, r) => s + (r.bytesAfter as number), 0);
        expect(bytes).toBe((precision === 'uint8' ? 1 : 2) * model.countParams());
      } finally {
        x.dispose();
        stock.dispose();
        model.dispose();
      }
    });
  }

  it('GraphModel (generated fixture): uint8 + clusters load with stock loadGraphModel; int32 left alone and listed', async () => {
    const input = await tinyGraph();
    const x = seededInputs(8, GRAPH_INPUTS);
    try {
      for (const config of [{ default: 'uint8' as const }, { default: 'float16' as const, perLayer: { 'dense2*': 'uint8' as const } }]) {
        const q = quantizeFiles(input.prepared, (name) => (name === 'shape' || !name.startsWith('dense2') ? config.default : config.perLayer?.['dense2*'] ?? config.default));
        expect(q.skipped).toEqual([{ name: 'shape', reason: expect.stringContaining('int32') }]);
        const stock = await loadGraphModel(tf.io.fromMemory(stockArtifacts(q.files)));
        const [a, b] = [input.model.predict(x) as tf.Tensor, stock.predict(x) as tf.Tensor];
        expect(b.shape).toEqual([8, 5]);
        expect(maxAbsDiff(a, b)).toBeLessThan(0.05);
        tf.dispose([a, b]);
        const w = stock.weights['dense1/kernel'][0].dataSync();
        const orig = new Float32Array(input.prepared.shards[0].bytes.slice(0, 4 * w.length).buffer);
        orig.forEach((v, i) => v === 0 && expect(w[i]).toBe(0));
        stock.dispose();
      }
      const clustered = await runCluster(input, { method: 'cluster', k: 4 }, {}, ctx);
      const stock = await loadGraphModel(tf.io.fromMemory(stockArtifacts(clustered.files)));
      expect(new Set(stock.weights['dense1/kernel'][0].dataSync()).size).toBeLessThanOrEqual(4);
      expect(stock.weights['dense1/kernel'][0].dataSync()).toContain(0);
      const [a, b] = [input.model.predict(x) as tf.Tensor, stock.predict(x) as tf.Tensor];
      expect(maxAbsDiff(a, b)).toBeLessThan(0.5);
      tf.dispose([a, b]);
      stock.dispose();
      // And through Bonsai's own validated import.
      const reopened = await loadPrepared(prepareModel(clustered.files));
      expect(reopened.prepared.warnings.map((w) => w.code)).toEqual(['QUANTIZED_WEIGHTS']);
      disposeLoaded(reopened);
    } finally {
      x.dispose();
      input.model.dispose();
    }
  });

  it('clustering keeps pruned zeros exactly zero, per-layer k by pattern, ≤ k values per tensor', async () => {
    const model = sparseDense();
    const input = await loadedLayers(model);
    try {
      const result = await runCluster(input, { method: 'cluster', k: 8, perLayer: { [model.layers[1].name]: 3 } }, {}, ctx);
      const stock = await tfl.loadLayersModel(tf.io.fromMemory(stockArtifacts(result.files)));
      const [k1, k2] = [stock.layers[0].getWeights()[0].dataSync(), stock.layers[1].getWeights()[0].dataSync()];
      const k0 = model.layers[0].getWeights()[0];
      expect(zerosLostUpToChannelOrder(k0.dataSync(), k1, k0.shape[1]!)).toBe(0);
      expect(new Set(k1).size).toBeLessThanOrEqual(8);
      expect(new Set(k2).size).toBeLessThanOrEqual(3);
      expect(result.perLayer.find((r) => r.layer === model.layers[1].name)?.distinct).toBeLessThanOrEqual(3);
      stock.dispose();
    } finally {
      model.dispose();
    }
  });

  it('refuses re-quantizing a quantized weight (decode first), decodes with float32, and names NaN weights', async () => {
    const model = sparseDense();
    const input = await loadedLayers(model);
    try {
      const once = prepareModel((await runPTQ(input, { method: 'ptq', default: 'uint8' })).files);
      const e = caught(() => quantizeFiles(once, () => 'float16'));
      expect(e.code).toBe('BAD_CONFIG');
      expect(e.message).toMatch(/already stored as uint8/);
      expect(e.hint).toMatch(/Decode it first/);
      const decoded = quantizeFiles(once, () => 'float32');
      expect(manifestOf(decoded.files).every((s) => !s.quantization)).toBe(true);
      expect(decoded.perWeight.every((r) => r.from === 'uint8' && r.to === 'float32')).toBe(true);
      const requantized = quantizeFiles(prepareModel(decoded.files), () => 'uint8');
      expect(requantized.perWeight.every((r) => r.maxError < 1e-6)).toBe(true); // already on the grid

      const nan = await loadedLayers(model);
      const shard = nan.prepared.shards[0].bytes.slice();
      new DataView(shard.buffer).setFloat32(4 * 5, NaN, true);
      const bad = { ...nan.prepared, artifacts: { ...nan.prepared.artifacts, weightData: shard.buffer } };
      const n = caught(() => quantizeFiles(bad, () => 'uint8'));
      expect(n.code).toBe('JOB_FAILED');
      expect(n.message).toContain(`"${model.weights[0].originalName}"`);
      expect(quantizeFiles(bad, (name) => (name === model.weights[0].originalName ? 'float32' : 'uint8')).perWeight).toHaveLength(4);
    } finally {
      model.dispose();
    }
  });
});

