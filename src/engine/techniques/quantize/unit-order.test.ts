import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { stockLoad } from '../../model/compact/test-utils/stock';
import { serializeLayersModel } from '../../model/serialize';
import type { InputFile } from '../../model/types';
import { prepareModel } from '../../model/validate';
import { mulberry32 } from '../../runtime/random';
import { describeEachBackend } from '../../test-utils/backends';
import { quantizeFiles } from './encode';
import { zerosLostUpToChannelOrder } from './test-utils/quantize-fixtures';
import { reorderUnitsForGzip, unitOrderPairs, worthReordering } from './unit-order';

/** Zero each output channel of every kernel with its own probability (0.2–0.99): unevenly sparse channels, as pruning leaves them. */
function sparsify(model: tfl.LayersModel, seed: number): void {
  const rand = mulberry32(seed);
  for (const layer of model.layers) {
    const kernel = layer.weights.find((w) => w.originalName.endsWith('/kernel'));
    if (!kernel) continue;
    const values = kernel.read().dataSync().slice() as Float32Array;
    const C = kernel.shape[kernel.shape.length - 1]!;
    const keep = Array.from({ length: C }, () => 0.01 + 0.8 * rand());
    for (let i = 0; i < values.length; i++) if (rand() > keep[i % C]) values[i] = 0;
    tf.tidy(() => {
      kernel.write(tf.tensor(values, kernel.shape as number[]));
    });
  }
}

function mlp(seed: number): tfl.LayersModel {
  const init = (s: number) => ({ kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + s }), biasInitializer: tfl.initializers.randomNormal({ seed: seed + 10 + s, stddev: 0.1 }) });
  return tfl.sequential({
    layers: [
      tfl.layers.flatten({ inputShape: [12, 12, 1], name: 'flatten' }),
      tfl.layers.dense({ units: 96, activation: 'relu', name: 'fc1', ...init(1) }),
      tfl.layers.dropout({ rate: 0.2, name: 'drop' }),
      tfl.layers.dense({ units: 48, activation: 'relu', name: 'fc2', ...init(2) }),
      tfl.layers.dense({ units: 10, activation: 'softmax', name: 'fc3', ...init(3) }),
    ],
  });
}

function cnn(seed: number): tfl.LayersModel {
  const init = (s: number) => ({ kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + s }), biasInitializer: tfl.initializers.randomNormal({ seed: seed + 10 + s, stddev: 0.1 }) });
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [12, 12, 1], filters: 16, kernelSize: 3, activation: 'relu', name: 'conv1', ...init(1) }),
      tfl.layers.maxPooling2d({ poolSize: 2, name: 'pool1' }),
      tfl.layers.conv2d({ filters: 24, kernelSize: 3, activation: 'relu', name: 'conv2', ...init(2) }),
      tfl.layers.flatten({ name: 'flatten' }),
      tfl.layers.dense({ units: 32, activation: 'relu', name: 'fc1', ...init(3) }),
      tfl.layers.dense({ units: 10, activation: 'softmax', name: 'fc2', ...init(4) }),
    ],
  });
}

/** A model sparsified (see sparsify), written as files, with its pairs; the model is disposed. */
async function sparseFiles(model: tfl.LayersModel, seed: number) {
  sparsify(model, seed);
  const files = await serializeLayersModel(model);
  const pairs = unitOrderPairs(model);
  model.dispose();
  return { files, pairs };
}

/** Stock tf.loadLayersModel on each file set, the same inputs: max |Δ| of the outputs, and whether every argmax agrees. */
async function compareStock(a: InputFile[], b: InputFile[], shape: number[]): Promise<{ maxDiff: number; sameArgmax: boolean }> {
  const [ma, mb] = [await stockLoad(a), await stockLoad(b)];
  try {
    return tf.tidy(() => {
      const x = tf.randomUniform(shape, 0, 1, 'float32', 3);
      const ya = (ma.model as tfl.LayersModel).predict(x) as tf.Tensor;
      const yb = (mb.model as tfl.LayersModel).predict(x) as tf.Tensor;
      return {
        maxDiff: tf.max(tf.abs(tf.sub(ya, yb))).dataSync()[0],
        sameArgmax: tf.all(tf.equal(tf.argMax(ya, -1), tf.argMax(yb, -1))).dataSync()[0] === 1,
      };
    });
  } finally {
    ma.model.dispose();
    mb.model.dispose();
  }
}

describeEachBackend('reorderUnitsForGzip', () => {
  it('finds the MLP pairs across Dropout and the CNN pairs across pooling and Flatten', () => {
    const m = mlp(1);
    const c = cnn(1);
    try {
      expect(unitOrderPairs(m).map((p) => [p.first, p.second, p.channels])).toEqual([['fc1/kernel', 'fc2/kernel', 96], ['fc2/kernel', 'fc3/kernel', 48]]);
      const pairs = unitOrderPairs(c);
      expect(pairs.map((p) => [p.first, p.second, p.channels, p.secondView])).toEqual([
        ['conv1/kernel', 'conv2/kernel', 16, [9, 16, 24]],
        ['conv2/kernel', 'fc1/kernel', 24, [9, 24, 32]],
        ['fc1/kernel', 'fc2/kernel', 32, [1, 32, 10]],
      ]);
      expect(pairs[0].firstBias).toBe('conv1/bias');
    } finally {
      m.dispose();
      c.dispose();
    }
  });

  for (const [name, build, shape] of [['MLP', mlp, [64, 12, 12, 1]], ['CNN', cnn, [64, 12, 12, 1]]] as const) {
    it(`keeps a sparse ${name}'s function (stock loader, outputs within 1e-5) and shrinks its gzip`, async () => {
      const { files, pairs } = await sparseFiles(build(4), 9);
      const r = reorderUnitsForGzip(files, pairs);
      expect(r.reordered.length).toBeGreaterThan(0);
      expect(r.gzipAfter).toBeLessThan(r.gzipBefore);
      // Only the shard changed: model.json's bytes are the same.
      expect(r.files.find((f) => f.path === 'model.json')!.bytes).toEqual(files.find((f) => f.path === 'model.json')!.bytes);
      expect(r.files.filter((f) => f.path !== 'model.json').map((f) => f.bytes)).not.toEqual(files.filter((f) => f.path !== 'model.json').map((f) => f.bytes));
      const cmp = await compareStock(files, r.files, [...shape]);
      expect(cmp.maxDiff).toBeLessThan(1e-5);
      expect(cmp.sameArgmax).toBe(true);
    });
  }

  it('reorders uint8 cluster codes too (the background is the zero code), keeping the quantized model’s outputs', async () => {
    const model = mlp(5);
    sparsify(model, 11);
    const pairs = unitOrderPairs(model);
    const files = quantizeFiles(prepareModel(await serializeLayersModel(model)), () => ({ clusters: 8 })).files;
    model.dispose();
    const r = reorderUnitsForGzip(files, pairs);
    expect(r.reordered).toEqual(['fc1 → fc2', 'fc2 → fc3']);
    expect(r.gzipAfter).toBeLessThan(r.gzipBefore);
    const cmp = await compareStock(files, r.files, [64, 12, 12, 1]);
    expect(cmp.maxDiff).toBeLessThan(1e-5);
    expect(cmp.sameArgmax).toBe(true);
  });

  it('hands the files back unchanged when there is nothing to gain (already sorted, or no pairs)', async () => {
    const { files, pairs } = await sparseFiles(mlp(6), 13);
    const once = reorderUnitsForGzip(files, pairs);
    const twice = reorderUnitsForGzip(once.files, pairs);
    expect(twice.reordered).toEqual([]);
    expect(twice.files).toBe(once.files);
    const none = reorderUnitsForGzip(files, []);
    expect(none.files).toBe(files);
    expect(none.gzipAfter).toBe(none.gzipBefore);
  });
});

describeEachBackend('reorderUnitsForGzip: what it leaves alone', () => {
  it('keeps a 2:4 pattern along the next layer’s input channels (that pair is skipped)', async () => {
    const model = mlp(7);
    sparsify(model, 15);
    // fc2's kernel [96, 48]: in every aligned group of 4 input channels, 2 kept, per output.
    const fc2 = model.getLayer('fc2').weights[0];
    const k = fc2.read().dataSync().slice() as Float32Array;
    for (let i = 0; i < 96; i++) for (let o = 0; o < 48; o++) if (i % 4 >= 2) k[i * 48 + o] = 0; else if (k[i * 48 + o] === 0) k[i * 48 + o] = 0.5;
    tf.tidy(() => {
      fc2.write(tf.tensor(k, [96, 48]));
    });
    const files = await serializeLayersModel(model);
    const pairs = unitOrderPairs(model);
    model.dispose();
    const r = reorderUnitsForGzip(files, pairs);
    expect(r.reordered).not.toContain('fc1 → fc2');
  });

  it('the zero check used by the cluster tests matches channels up to their order, and catches a lost zero', () => {
    const before = [0, 1, 2, 0, 0, 3, 4, 0]; // [4 rows, 2 channels]: channel 0 zeros at rows 0, 2; channel 1 at rows 1, 3
    const swapped = [1, 0, 0, 2, 3, 0, 0, 4];
    expect(zerosLostUpToChannelOrder(before, swapped, 2)).toBe(0);
    expect(zerosLostUpToChannelOrder(before, [1, 0, 0, 2, 3, 5, 0, 4], 2)).toBe(1);
  });
});

describeEachBackend('reorderUnitsForGzip: dense models', () => {
  it('leaves a dense model alone (no background value to gather)', async () => {
    const model = mlp(8);
    const files = await serializeLayersModel(model);
    const pairs = unitOrderPairs(model);
    model.dispose();
    const r = reorderUnitsForGzip(files, pairs);
    expect(r.reordered).toEqual([]);
    expect(r.files).toBe(files);
  });
});

describeEachBackend('reorderUnitsForGzip: very sparse layers', () => {
  it("reorders a layer 85% sparse whose groups of 4 hold at most 2 by chance (not an N:M pattern)", async () => {
    const model = mlp(9);
    const rand = mulberry32(21);
    for (const name of ['fc1', 'fc2']) {
      const w = model.getLayer(name).weights[0];
      const C = w.shape[1]!;
      // Uneven per-channel density (0–30%), about 15% kept, and no aligned group of 4 inputs with more than 2 kept.
      const v = w.read().dataSync().slice() as Float32Array;
      const keep = Array.from({ length: C }, () => 0.3 * rand());
      for (let i = 0; i < v.length; i++) if (rand() > keep[i % C]) v[i] = 0;
      for (let o = 0; o < C; o++) for (let g = 0; g + 4 <= v.length / C; g += 4) {
        let n = 0;
        for (let r = g; r < g + 4; r++) if (v[r * C + o] !== 0 && ++n > 2) v[r * C + o] = 0;
      }
      tf.tidy(() => {
        w.write(tf.tensor(v, w.shape as number[]));
      });
    }
    const files = await serializeLayersModel(model);
    const pairs = unitOrderPairs(model);
    model.dispose();
    const r = reorderUnitsForGzip(files, pairs);
    expect(r.reordered, JSON.stringify([r.gzipBefore, r.gzipAfter])).toContain('fc1 → fc2');
  });
});

describe('worthReordering', () => {
  it('keeps a gain of 0.1% and 16 B or more, not gzip noise', () => {
    expect(worthReordering(2_072, 2_071)).toBe(false); // the stranger's clustered MLP
    expect(worthReordering(1_000, 985)).toBe(false); // 1.5%, but 15 B
    expect(worthReordering(138_820, 138_455)).toBe(true); // LeNet-300-100, gradual 90%, in the browser
    expect(worthReordering(75_573, 75_360)).toBe(true); // F12's chosen 95%
    expect(worthReordering(100_000, 99_901)).toBe(false);
    expect(worthReordering(100_000, 99_900)).toBe(true);
  });
});
