import type * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { expect, it } from 'vitest';
import { describeEachBackend } from '../test-utils/backends';
import { loadedGraph, loadedLayers, opNode, placeholder } from '../test-utils/model-fixtures';
import type { LoadedModel } from '../model/loaded';
import { summarize } from './summary';

/** a[8] → h = Dense(4); concat(h, b[2]) → out = Dense(3). */
function functional(): tfl.LayersModel {
  const a = tfl.input({ shape: [8], name: 'a' });
  const b = tfl.input({ shape: [2], name: 'b' });
  const h = tfl.layers.dense({ units: 4, activation: 'relu', name: 'h' }).apply(a) as tfl.SymbolicTensor;
  const cat = tfl.layers.concatenate({ name: 'cat' }).apply([h, b]) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ units: 3, activation: 'softmax', name: 'out' }).apply(cat) as tfl.SymbolicTensor;
  return tfl.model({ inputs: [a, b], outputs: out });
}

function matMulGraph(xShape: number[]): Promise<LoadedModel> {
  return loadedGraph(
    [
      placeholder('x', xShape),
      opNode('mm', 'MatMul', ['x', 'w'], { transpose_a: { b: false }, transpose_b: { b: false } }),
      opNode('ba', 'BiasAdd', ['mm', 'b']),
      opNode('out', 'Relu', ['ba']),
    ],
    [
      { name: 'w', shape: [3, 2], values: [1, 2, 3, 4, 5, 6] },
      { name: 'b', shape: [2], values: [0.5, -0.5] },
    ],
  );
}

describeEachBackend('summarize', () => {
  it('describes a small functional LayersModel', async () => {
    const model = functional();
    const loaded = await loadedLayers(model);
    const s = await summarize(loaded);
    expect(s.format).toBe('layers');
    expect(['Model', 'Functional']).toContain(s.className);
    expect(s.inputs).toEqual([
      { name: 'a', shape: [-1, 8], dtype: 'float32' },
      { name: 'b', shape: [-1, 2], dtype: 'float32' },
    ]);
    expect(s.outputs).toEqual([{ name: 'out', shape: [-1, 3], dtype: 'float32' }]);
    const rows = Object.fromEntries(s.layers.map((r) => [r.name, r]));
    expect(Object.keys(rows).sort()).toEqual(['a', 'b', 'cat', 'h', 'out']);
    expect(rows['a']).toEqual({ name: 'a', type: 'InputLayer', outputShape: [[-1, 8]], params: 0, weightDtypes: [], flops: 0 });
    expect(rows['h']).toEqual({ name: 'h', type: 'Dense', outputShape: [[-1, 4]], params: 8 * 4 + 4, weightDtypes: ['float32'], flops: 2 * 8 * 4 });
    expect(rows['cat']).toMatchObject({ type: 'Concatenate', outputShape: [[-1, 6]], params: 0, flops: 0 });
    expect(rows['out']).toMatchObject({ type: 'Dense', params: 6 * 3 + 3, flops: 2 * 6 * 3 });
    expect(s.params).toBe(36 + 21);
    expect(s.nonZeroParams).toBe(57 - 4 - 3); // biases start at zero
    expect(s.float32Bytes).toBe(4 * 57);
    expect(s.storedBytes).toBe(loaded.prepared.modelJsonBytes.byteLength + 4 * 57);
    expect(s.gzipBytes).toBeGreaterThan(0);
    expect(s.flops).toBe(64 + 36);
    expect(s.flopsNotCounted).toEqual([]);
    expect(s.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(s.quantization).toEqual([]);
    model.dispose();
  });

  it('shows weight dtypes as stored, quantization included', async () => {
    const model = functional();
    const loaded = await loadedLayers(model);
    const manifest = loaded.prepared.modelJson['weightsManifest'] as { weights: tf.io.WeightsManifestEntry[] }[];
    const kernel = manifest[0].weights.find((w) => w.name === 'h/kernel');
    expect(kernel).toBeDefined();
    kernel!.quantization = { dtype: 'uint8', scale: 0.01, min: -1 };
    const s = await summarize(loaded);
    expect(s.layers.find((r) => r.name === 'h')?.weightDtypes).toEqual(['uint8 (quantized)', 'float32']);
    expect(s.layers.find((r) => r.name === 'out')?.weightDtypes).toEqual(['float32']);
    expect(s.quantization).toEqual(['uint8']);
    model.dispose();
  });

  it('describes a GraphModel: op table, profiled FLOPs, ops not counted', async () => {
    const loaded = await matMulGraph([-1, 3]);
    const s = await summarize(loaded);
    expect(s.format).toBe('graph');
    expect(s.className).toBe('GraphModel');
    expect(s.inputs).toEqual([{ name: 'x', shape: [-1, 3], dtype: 'float32' }]);
    expect(s.outputs).toEqual([{ name: 'out', shape: [-1, 2], dtype: 'float32' }]);
    expect(s.layers).toEqual([
      { name: 'mm', type: 'MatMul', outputShape: [[-1, 2]], params: 6, weightDtypes: ['float32'], flops: 12 },
      { name: 'ba', type: 'BiasAdd', outputShape: [], params: 2, weightDtypes: ['float32'], flops: null },
    ]);
    expect(s.flops).toBe(2 * 3 * 2);
    expect(s.flopsNotCounted).toEqual(['BiasAdd', 'Relu']);
    expect(s.params).toBe(8);
    expect(s.nonZeroParams).toBe(8);
    expect(s.storedBytes).toBe(loaded.prepared.modelJsonBytes.byteLength + 4 * 8);
    loaded.model.dispose();
  });

  it('a GraphModel that cannot be profiled still gets a summary, with nothing counted', async () => {
    const loaded = await matMulGraph([-1, -1, 3]);
    const s = await summarize(loaded);
    // Unknown, with the reason — never 0.
    expect(s.flops).toBeNull();
    expect(s.flopsUnknown).toMatch(/FLOPs not counted: one batch-1 inference on zeros failed/);
    expect(s.flopsNotCounted).toEqual(['BiasAdd', 'MatMul', 'Relu']);
    expect(s.layers.map((r) => [r.name, r.flops])).toEqual([['mm', null], ['ba', null]]);
    expect(s.params).toBe(8);
    loaded.model.dispose();
  });
});

