import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { expect, it } from 'vitest';
import { BonsaiError } from '../../errors';
import { layersModelFlops } from '../../metrics/flops';
import { prepareModel } from '../../model/validate';
import { describeEachBackend } from '../../test-utils/backends';
import { loadedGraph, loadedLayers, opNode, placeholder } from '../../test-utils/model-fixtures';
import { denseClassifier, weightValues } from '../../test-utils/train-fixtures';
import type { TechniqueContext } from '../types';
import { planStructured, pruneStructured, rebuildPruned } from './structured';
import { concatCnn, depthwiseCnn, reshapeMlp, residualCnn, sequentialCnn } from './structured-fixtures';
import { channelNorms } from './structured-plan';
import type { StructuredPruneConfig } from './structured-types';

/** Zero these slices of these weights in a copy: the removed channels' contribution downstream. */
interface ZeroSlice {
  layer: string;
  weight: string;
  axis: number;
  indices: number[];
}

/**
 * The exact reference for a pruned model: the original with its consumers' *input* weights of
 * the removed channels zeroed. (Zeroing the removed filters would not do: BatchNorm's beta and
 * moving mean, and biases, make a zero filter's channel non-zero downstream.)
 */
function withConsumerInputsZeroed(build: () => tfl.LayersModel, slices: ZeroSlice[]): tfl.LayersModel {
  // A second build, not a save/load copy: TF.js 4.22 does not save SeparableConv2D's depthMultiplier.
  const copy = build();
  for (const s of slices) {
    const layer = copy.getLayer(s.layer);
    const values = layer.getWeights();
    const i = layer.weights.findIndex((w) => w.originalName.split('/').pop() === s.weight);
    expect(i, `${s.layer} has a ${s.weight}`).toBeGreaterThanOrEqual(0);
    const next = tf.tidy(() => {
      const v = values[i];
      const mask = [...Array(v.shape[s.axis]).keys()].map((k) => (s.indices.includes(k) ? 0 : 1));
      return tf.mul(v, tf.tensor(mask, v.shape.map((d, ax) => (ax === s.axis ? d : 1))));
    });
    layer.setWeights(values.map((v, j) => (j === i ? next : v)));
    next.dispose();
  }
  return copy;
}

async function predict(model: tfl.LayersModel, x: tf.Tensor): Promise<Float32Array> {
  const out = model.predict(x) as tf.Tensor;
  try {
    return (await out.data()) as Float32Array;
  } finally {
    out.dispose();
  }
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
}

/** Rebuild with `keep`, build the reference with `zero`, compare on random inputs. */
async function expectExactRebuild(build: () => tfl.LayersModel, keep: Record<string, number[]>, zero: ZeroSlice[]): Promise<void> {
  const model = build();
  const inputShape = model.inputs[0].shape.slice(1) as number[];
  const x = tf.randomUniform([3, ...inputShape], -1, 1, 'float32', 7);
  const small = rebuildPruned(model, new Map(Object.entries(keep)));
  const reference = withConsumerInputsZeroed(build, zero);
  try {
    expect(maxAbsDiff(await predict(small, x), await predict(reference, x))).toBeLessThanOrEqual(1e-5);
    expect(small.countParams()).toBeLessThan(model.countParams());
    expect(layersModelFlops(small).flops).toBeLessThan(layersModelFlops(model).flops);
    for (const [layer, kept] of Object.entries(keep)) {
      const cfg = small.getLayer(layer).getConfig();
      expect(cfg.filters ?? cfg.units, `${layer} width`).toBe(kept.length);
    }
  } finally {
    x.dispose();
    small.dispose();
    reference.dispose();
    model.dispose();
  }
}

const ctx = (phases: string[] = []): TechniqueContext => ({ progress: (phase) => phases.push(phase) });
const config = (over: Partial<StructuredPruneConfig> = {}): StructuredPruneConfig => ({ method: 'structured', ratio: 0.5, norm: 'l1', ...over });

function expectBadConfig(fn: () => unknown, message: RegExp): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(BonsaiError);
    expect((e as BonsaiError).code).toBe('BAD_CONFIG');
    expect((e as Error).message).toMatch(message);
    return;
  }
  throw new Error('expected a BAD_CONFIG error');
}

describeEachBackend('rebuildPruned is exact', () => {
  it('Sequential Conv2D → BN → ReLU → MaxPool → Conv2D → Flatten → Dense → Dense', async () => {
    // conv2 outputs 2×2×5, flattened position-major: its channels 2 and 4 are rows p·5 + {2, 4}.
    const flatRows = [0, 1, 2, 3].flatMap((p) => [p * 5 + 2, p * 5 + 4]);
    await expectExactRebuild(sequentialCnn, { conv1: [0, 2, 3], conv2: [0, 1, 3], dense1: [1, 2, 4, 5] }, [
      { layer: 'conv2', weight: 'kernel', axis: 2, indices: [1] },
      { layer: 'dense1', weight: 'kernel', axis: 0, indices: flatRows },
      { layer: 'out', weight: 'kernel', axis: 0, indices: [0, 3] },
    ]);
  });

  it('DepthwiseConv2D (multiplier 2) and SeparableConv2D with BatchNorm', async () => {
    // conv1's channel 1 becomes depthwise channels 2–3, then separable pointwise rows 4–7.
    await expectExactRebuild(depthwiseCnn, { conv1: [0, 2, 3], sep: [1, 2, 4] }, [
      { layer: 'sep', weight: 'pointwise_kernel', axis: 2, indices: [4, 5, 6, 7] },
      { layer: 'out', weight: 'kernel', axis: 0, indices: [0, 3, 5] },
    ]);
  });

  it('functional model with residual Adds: the group shares one selection', async () => {
    await expectExactRebuild(residualCnn, { convA: [0, 3] }, [
      { layer: 'convB', weight: 'kernel', axis: 2, indices: [1, 2] },
      { layer: 'convC', weight: 'kernel', axis: 2, indices: [1, 2] },
      { layer: 'out', weight: 'kernel', axis: 0, indices: [1, 2] },
    ]);
  });

  it('Concatenate offsets each input’s kept channels', async () => {
    // The concatenation is [convA 0..2, convB 0..1]: convA's 1 and convB's 0 are channels 1 and 3.
    await expectExactRebuild(concatCnn, { convA: [0, 2], convB: [1], convC: [1, 2, 3] }, [
      { layer: 'convC', weight: 'kernel', axis: 2, indices: [1, 3] },
      { layer: 'out', weight: 'kernel', axis: 0, indices: [0] },
    ]);
  });

  it('refuses inconsistent selections in a group, the output layer, and keeping nothing', () => {
    const model = residualCnn();
    try {
      expectBadConfig(() => rebuildPruned(model, new Map([['convA', [0, 1]], ['convB', [2, 3]]])), /same channels/);
      expectBadConfig(() => rebuildPruned(model, new Map([['convA', [0, 1, 2, 3]], ['convC', [0, 1]]])), /same channels/);
      expectBadConfig(() => rebuildPruned(model, new Map([['out', [0]]])), /model output/);
      expectBadConfig(() => rebuildPruned(model, new Map([['convA', []]])), /keep 0/);
      expectBadConfig(() => rebuildPruned(model, new Map([['add1', [0]]])), /not a Dense, Conv/);
    } finally {
      model.dispose();
    }
  });
});

describeEachBackend('planStructured', () => {
  it('ranks units by L1 or L2 norm and removes the lowest fraction', () => {
    const model = denseClassifier({ inputs: 3, hidden: [4], classes: 2 });
    try {
      const hidden = model.layers[0];
      // Columns: L1 = [3, 4.5, 5, 4], L2 = [3, 2.6, 5, 4].
      const k = tf.tensor2d([[3, 1.5, 5, 4], [0, 1.5, 0, 0], [0, 1.5, 0, 0]]);
      const b = tf.zeros([4]);
      hidden.setWeights([k, b]);
      tf.dispose([k, b]);
      expect(planStructured(model, config({ norm: 'l1' })).keep.get(hidden.name)).toEqual([1, 2]);
      expect(planStructured(model, config({ norm: 'l2' })).keep.get(hidden.name)).toEqual([2, 3]);
    } finally {
      model.dispose();
    }
  });

  it('plans every prunable layer of a CNN; the output layer stays', () => {
    const model = sequentialCnn();
    try {
      const plan = planStructured(model, config({ perLayer: { dense1: 0.25 }, skip: ['conv2'] }));
      expect(plan.keep.get('conv1')).toHaveLength(2);
      expect(plan.keep.get('dense1')).toHaveLength(5);
      expect(plan.keep.has('conv2')).toBe(false);
      expect(plan.keep.has('out')).toBe(false);
      expect(plan.skipped.find((s) => s.layer === 'out')?.reason).toMatch(/model output/);
      expect(plan.skipped.find((s) => s.layer === 'conv2')?.reason).toMatch(/skip list/);
    } finally {
      model.dispose();
    }
  });

  it('ranks a residual group by its summed norms', () => {
    const model = residualCnn();
    try {
      const plan = planStructured(model, config({ norm: 'l2' }));
      expect(plan.groups).toHaveLength(1);
      expect(plan.groups[0]).toMatchObject({ layers: ['convA', 'convB', 'convC'], joinedBy: ['add1', 'add2'], channels: 4 });
      const sum = [0, 0, 0, 0];
      for (const name of ['convA', 'convB', 'convC']) channelNorms(model.getLayer(name).getWeights()[0], 'l2').forEach((v, i) => (sum[i] += v));
      const expected = [0, 1, 2, 3].sort((a, b) => sum[b] - sum[a]).slice(0, 2).sort();
      for (const name of ['convA', 'convB', 'convC']) expect(plan.keep.get(name)).toEqual(expected);
    } finally {
      model.dispose();
    }
  });

  it('prunes the inputs of a Concatenate independently', () => {
    const model = concatCnn();
    try {
      const plan = planStructured(model, config());
      expect(plan.groups.map((g) => g.layers)).toEqual([['convA'], ['convB'], ['convC']]);
      expect(plan.keep.get('convA')).toHaveLength(2);
      expect(plan.keep.get('convB')).toHaveLength(1);
    } finally {
      model.dispose();
    }
  });

  it('lists a layer it cannot rebuild and keeps the channels feeding it', () => {
    const model = reshapeMlp();
    try {
      const plan = planStructured(model, config());
      expect(plan.keep.get('denseA')).toHaveLength(3);
      expect(plan.keep.has('denseB')).toBe(false);
      expect(plan.skipped.find((s) => s.layer === 'denseB')?.reason).toMatch(/reshape \(Reshape\)/);
      expect(plan.skipped.find((s) => s.layer === 'reshape')?.reason).toMatch(/^Reshape:/);
    } finally {
      model.dispose();
    }
  });

  it('refuses a ratio that would remove every unit of a layer', () => {
    const model = sequentialCnn();
    try {
      expectBadConfig(() => planStructured(model, config({ ratio: 1 })), /remove all/);
      expectBadConfig(() => planStructured(model, config({ ratio: 0.25, perLayer: { conv2: 1 } })), /remove all 5 .* conv2/);
      expectBadConfig(() => planStructured(model, config({ ratio: 1.5 })), /ratio must be a number/);
    } finally {
      model.dispose();
    }
  });
});

describeEachBackend('pruneStructured', () => {
  it('returns a smaller model that stock tf.loadLayersModel reads, leaving the input as it was', async () => {
    const model = residualCnn();
    const before = weightValues(model);
    const x = tf.randomUniform([2, 5, 5, 3], -1, 1, 'float32', 3);
    const phases: string[] = [];
    try {
      const input = await loadedLayers(model);
      const result = await pruneStructured(input, config(), {}, ctx(phases));
      expect(weightValues(model)).toEqual(before);
      expect(phases).toContain('rebuild');
      // The step alone: the runner prefixes the open model's display name, never the Keras name.
      expect(result.name).toBe('50% filters removed');
      expect(result.perLayer.find((r) => r.layer === 'convA')).toMatchObject({ before: 4, after: 2, removedFraction: 0.5, norm: 'l1', group: 'convA + convB + convC' });
      expect(result.perLayer.find((r) => r.layer === 'out')).toMatchObject({ before: 3, after: 3 });
      expect(result.notes.join(' ')).toMatch(/physically smaller/);
      expect(result.notes.join(' ')).toMatch(/FLOPs/);

      const prepared = prepareModel(result.files);
      const stock = await tfl.loadLayersModel(tf.io.fromMemory(prepared.artifacts));
      const expected = rebuildPruned(model, planStructured(model, config()).keep);
      try {
        expect(stock.countParams()).toBeLessThan(model.countParams());
        expect(maxAbsDiff(await predict(stock, x), await predict(expected, x))).toBeLessThanOrEqual(1e-6);
      } finally {
        stock.dispose();
        expected.dispose();
      }
    } finally {
      x.dispose();
      model.dispose();
    }
  });

  it('fine-tunes the smaller model when settings and training data are given', async () => {
    const model = denseClassifier({ inputs: 6, hidden: [8, 8], classes: 3 });
    const xs = tf.randomUniform([16, 6], 0, 1, 'float32', 5);
    const ys = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0], 'int32'), 3));
    const phases: string[] = [];
    try {
      const fineTune = { epochs: 1, batchSize: 8, learningRate: 0.01, optimizer: 'adam' as const, seed: 1 };
      const result = await pruneStructured(await loadedLayers(model), config({ ratio: 0.25, fineTune }), { train: { xs, ys, count: 16 } }, ctx(phases));
      expect(result.history?.epochs).toHaveLength(1);
      expect(phases.some((p) => p.startsWith('fine-tune · epoch 1/'))).toBe(true);
      expect(result.perLayer.filter((r) => r.after === 6)).toHaveLength(2);
    } finally {
      tf.dispose([xs, ys]);
      model.dispose();
    }
  });

  it('refuses a model with nothing it can remove', async () => {
    const model = denseClassifier({ inputs: 4, hidden: [], classes: 3 });
    try {
      await expect(pruneStructured(await loadedLayers(model), config(), {}, ctx())).rejects.toMatchObject({ code: 'BAD_CONFIG', message: expect.stringMatching(/no filter or unit/) });
    } finally {
      model.dispose();
    }
  });

  it('refuses a GraphModel', async () => {
    const graph = await loadedGraph([placeholder('x', [1, 2]), opNode('y', 'Relu', ['x'])], []);
    try {
      await expect(pruneStructured(graph, config(), {}, ctx())).rejects.toMatchObject({ code: 'BAD_CONFIG', message: expect.stringMatching(/needs a LayersModel/) });
    } finally {
      graph.model.dispose();
    }
  });
});
