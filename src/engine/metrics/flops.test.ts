import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { expect, it } from 'vitest';
import { describeEachBackend } from '../test-utils/backends';
import { loadedGraph, loadedLayers, opNode, placeholder } from '../test-utils/model-fixtures';
import { layersModelFlops } from './flops';
import { kernelMacs, profileFlops, profileModelFlops } from './flops-profile';
import { paramsOf } from './size';

/** A small CNN whose FLOPs and parameters are worked out by hand below. */
function smallCnn(): tfl.Sequential {
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [28, 28, 1], filters: 4, kernelSize: 3, padding: 'valid', name: 'c1' }),
      tfl.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', strides: 2, name: 'c2' }),
      tfl.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, name: 'dw' }),
      tfl.layers.separableConv2d({ filters: 10, kernelSize: 3, name: 'sep' }),
      tfl.layers.maxPooling2d({ poolSize: 2, name: 'pool' }),
      tfl.layers.flatten({ name: 'flat' }),
      tfl.layers.dropout({ rate: 0.5, name: 'drop' }),
      tfl.layers.dense({ units: 5, name: 'fc' }),
    ],
  });
}

// Hand-computed at batch 1 (FLOPs = 2 × MACs).
const SMALL_CNN = [
  // c1: 28→26 (valid), MACs = 26·26·4 · 3·3·1; params = 3·3·1·4 + 4.
  { name: 'c1', flops: 2 * 26 * 26 * 4 * 9, params: 40 },
  // c2: same, stride 2: 26→13; MACs = 13·13·8 · 3·3·4; params = 3·3·4·8 + 8.
  { name: 'c2', flops: 2 * 13 * 13 * 8 * 36, params: 296 },
  // dw: 13→11, channels 8·2 = 16; MACs = 11·11·16 · 3·3; params = 3·3·8·2 + 16.
  { name: 'dw', flops: 2 * 11 * 11 * 16 * 9, params: 160 },
  // sep: 11→9; depthwise 9·9·16·9 + pointwise 9·9·16·10; params = 3·3·16 + 16·10 + 10.
  { name: 'sep', flops: 2 * (9 * 9 * 16 * 9 + 9 * 9 * 16 * 10), params: 314 },
  { name: 'pool', flops: 0, params: 0 },
  { name: 'flat', flops: 0, params: 0 },
  { name: 'drop', flops: 0, params: 0 },
  // fc: 4·4·10 = 160 → 5; MACs = 160·5; params = 160·5 + 5.
  { name: 'fc', flops: 2 * 160 * 5, params: 805 },
];
const SMALL_CNN_FLOPS = SMALL_CNN.reduce((s, l) => s + l.flops, 0);

/** Layers whose MACs are counted differently: Dense on rank 3, Conv1D, transposed conv, LSTM. */
function otherLayers(): tfl.LayersModel {
  const seq = tfl.input({ shape: [6, 4], name: 'seq' });
  const dense3 = tfl.layers.dense({ units: 3, name: 'dense3' }).apply(seq) as tfl.SymbolicTensor;
  const sig = tfl.input({ shape: [10, 3], name: 'sig' });
  const conv1 = tfl.layers.conv1d({ filters: 2, kernelSize: 3, name: 'conv1' }).apply(sig) as tfl.SymbolicTensor;
  // (The default orthogonal initializer fails in tfjs-layers 4.22 under Node: rMat.flatten.)
  const lstm = tfl.layers.lstm({ units: 4, name: 'lstm', recurrentInitializer: 'glorotUniform' }).apply(sig) as tfl.SymbolicTensor;
  const img = tfl.input({ shape: [4, 4, 3], name: 'img' });
  const up = tfl.layers
    .conv2dTranspose({ filters: 2, kernelSize: 3, strides: 2, name: 'up' })
    .apply(img) as tfl.SymbolicTensor;
  return tfl.model({ inputs: [seq, sig, img], outputs: [dense3, conv1, lstm, up] });
}

const OTHER_LAYERS: Record<string, number> = {
  dense3: 2 * 6 * 4 * 3, // kernel applied at each of 6 positions
  conv1: 2 * 8 * 2 * 3 * 3, // 10→8 positions, 2 filters, kernel 3 over 3 channels
  lstm: 2 * 10 * (3 * 16 + 4 * 16), // 10 steps × (input kernel 3×16 + recurrent 4×16)
  up: 2 * 4 * 4 * 3 * (3 * 3 * 2), // each input element feeds 3·3·2 outputs (output 9×9×2)
};

describeEachBackend('FLOPs', () => {
  it('counts a small CNN per layer as computed by hand, and its parameters', async () => {
    const model = smallCnn();
    const f = layersModelFlops(model);
    expect(f.layers.map((l) => [l.name, l.flops])).toEqual(SMALL_CNN.map((l) => [l.name, l.flops]));
    expect(f.flops).toBe(SMALL_CNN_FLOPS);
    expect(f.notCounted).toEqual([]);
    expect(model.layers.map((l) => l.countParams())).toEqual(SMALL_CNN.map((l) => l.params));
    const loaded = await loadedLayers(model);
    expect(paramsOf(loaded)).toBe(1615);
    model.dispose();
  });

  it('counts Dense on rank 3, Conv1D, Conv2DTranspose and LSTM by hand', () => {
    const model = otherLayers();
    const byName = Object.fromEntries(layersModelFlops(model).layers.map((l) => [l.name, l.flops]));
    for (const [name, flops] of Object.entries(OTHER_LAYERS)) expect(byName[name], name).toBe(flops);
    expect(byName['seq']).toBe(0); // InputLayer
    model.dispose();
  });

  it('profiling one inference gives the same total as the layer formulas', async () => {
    for (const model of [smallCnn(), otherLayers()]) {
      const loaded = await loadedLayers(model);
      const profiled = await profileModelFlops(loaded);
      expect(profiled.flops).toBe(layersModelFlops(model).flops);
      model.dispose();
    }
  });

  it('a layer with a free non-batch dimension is not counted (null) and its class is listed', () => {
    const model = tfl.sequential({
      layers: [tfl.layers.conv2d({ inputShape: [null, null, 3], filters: 2, kernelSize: 1 })],
    });
    const f = layersModelFlops(model);
    expect(f.layers[0].flops).toBeNull();
    expect(f.notCounted).toEqual(['Conv2D']);
    model.dispose();
  });

  it('counts a hand-written GraphModel: MatMul counted, BiasAdd and Relu kernels listed', async () => {
    const loaded = await loadedGraph(
      [
        placeholder('x', [-1, 3]),
        opNode('mm', 'MatMul', ['x', 'w'], { transpose_a: { b: false }, transpose_b: { b: false } }),
        opNode('ba', 'BiasAdd', ['mm', 'b']),
        opNode('out', 'Relu', ['ba']),
      ],
      [
        { name: 'w', shape: [3, 2], values: [1, 2, 3, 4, 5, 6] },
        { name: 'b', shape: [2], values: [0.5, -0.5] },
      ],
    );
    const profiled = await profileModelFlops(loaded);
    expect(profiled.flops).toBe(2 * 3 * 2);
    expect(profiled.counted.map((k) => k.name)).toEqual(['BatchMatMul']);
    // BiasAdd runs as the Add kernel in TF.js.
    expect(profiled.notCounted).toEqual(expect.arrayContaining(['Add', 'Relu']));
    expect(profiled.notCounted).not.toContain('BatchMatMul');
    expect(profiled.outputs).toEqual([{ shape: [1, 2], dtype: 'float32' }]);
    loaded.model.dispose();
  });

  it('skips op wrappers: a fused conv counts once', async () => {
    const x = tf.ones([1, 5, 5, 2]) as tf.Tensor4D;
    const w = tf.ones([3, 3, 2, 4]) as tf.Tensor4D;
    const bias = tf.ones([4]);
    const p = await profileFlops(() => tf.fused.conv2d({ x, filter: w, bias, activation: 'relu', strides: 1, pad: 'valid' }));
    expect(p.counted.map((k) => k.name)).toEqual(['FusedConv2D']);
    expect(p.flops).toBe(2 * 3 * 3 * 4 * (3 * 3 * 2));
    expect(p.notCounted.some((n) => n.includes('__op'))).toBe(false);
    tf.dispose([x, w, bias]);
  });

  it('rethrows a failing run and leaves the engine out of profiling mode', async () => {
    await expect(profileFlops(() => { throw new Error('boom'); })).rejects.toThrow('boom');
    const one = tf.scalar(1);
    const p = await profileFlops(() => tf.add(one, one));
    expect(p.flops).toBe(0);
    expect(p.notCounted).toEqual(['Add']);
    one.dispose();
  });
});

it('kernelMacs: matmul contraction is found whatever the transposes', () => {
  const out = [2, 5];
  expect(kernelMacs({ name: 'BatchMatMul', inputShapes: [[1, 2, 7], [1, 7, 5]], outputShapes: [[1, ...out]] })).toBe(2 * 5 * 7);
  expect(kernelMacs({ name: 'BatchMatMul', inputShapes: [[1, 7, 2], [1, 5, 7]], outputShapes: [[1, ...out]] })).toBe(2 * 5 * 7);
  expect(kernelMacs({ name: 'Relu', inputShapes: [[3]], outputShapes: [[3]] })).toBeNull();
});
