import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { expect, it } from 'vitest';
import { BonsaiError } from '../../errors';
import { describeEachBackend } from '../../test-utils/backends';
import { loadedLayers } from '../../test-utils/model-fixtures';
import type { TechniqueContext } from '../types';
import { validatePruneConfig } from './meta';
import { pruneStructured } from './structured';
import { applyDepth, planDepth } from './structured-depth';
import { depthwiseCnn, sequentialCnn } from './structured-fixtures';

const init = (seed: number) => ({
  kernelInitializer: tfl.initializers.glorotUniform({ seed }),
  biasInitializer: tfl.initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed: seed + 100 }),
});

/** LeNet-5's shape in small: conv(same) → pool → conv(valid) → pool → flatten → 3 dense. Input 12×12×1. */
function lenetLike(activation: 'relu' | 'linear' = 'relu'): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({ name: 'c1', inputShape: [12, 12, 1], filters: 3, kernelSize: 3, padding: 'same', activation: 'relu', ...init(1) }),
      tfl.layers.maxPooling2d({ name: 'p1', poolSize: 2 }),
      tfl.layers.conv2d({ name: 'c2', filters: 4, kernelSize: 3, activation: 'relu', ...init(2) }),
      tfl.layers.maxPooling2d({ name: 'p2', poolSize: 2 }),
      tfl.layers.flatten({ name: 'flat' }),
      tfl.layers.dense({ name: 'd1', units: 7, activation, ...init(3) }),
      tfl.layers.dense({ name: 'd2', units: 5, activation, ...init(4) }),
      tfl.layers.dense({ name: 'out', units: 3, activation: 'softmax', ...init(5) }),
    ],
  });
}

/** The same dense chain as a functional model, with an input layer: in → d1 → d2 → out. */
function functionalMlp(): tfl.LayersModel {
  const input = tfl.input({ shape: [6], name: 'in' });
  const d1 = tfl.layers.dense({ name: 'd1', units: 5, ...init(6) }).apply(input) as tfl.SymbolicTensor;
  const d2 = tfl.layers.dense({ name: 'd2', units: 4, useBias: false, ...init(7) }).apply(d1) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ name: 'out', units: 2, useBias: false, ...init(8) }).apply(d2) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out });
}

async function outputs(model: tfl.LayersModel, x: tf.Tensor): Promise<number[]> {
  const y = model.predict(x) as tf.Tensor;
  try {
    return Array.from(await y.data());
  } finally {
    y.dispose();
  }
}

/** The two models give the same outputs on x, to 5 decimals: the cut changed nothing. */
async function expectSameOutputs(a: tfl.LayersModel, b: tfl.LayersModel, x: tf.Tensor): Promise<void> {
  const [ya, yb] = [await outputs(a, x), await outputs(b, x)];
  expect(yb.length).toBe(ya.length);
  ya.forEach((v, i) => expect(yb[i]).toBeCloseTo(v, 5));
}

const ctx: TechniqueContext = { progress: () => {} };

describeEachBackend('depth pruning', () => {
  it('folds each conv → non-overlapping pool into a strided conv, keeping every output shape after it', async () => {
    const model = lenetLike();
    const plan = planDepth(model, { foldPooling: true });
    expect(plan.folds).toEqual([{ conv: 'c1', pool: 'p1', stride: 2, kernel: [4, 4] }, { conv: 'c2', pool: 'p2', stride: 2, kernel: [4, 4] }]);
    const folded = applyDepth(model, plan);
    try {
      expect(folded.layers.map((l) => l.name)).toEqual(['c1', 'c2', 'flat', 'd1', 'd2', 'out']);
      const c2 = folded.getLayer('c2').getConfig() as { strides: number[]; kernelSize: number[] };
      expect([c2.strides, c2.kernelSize]).toEqual([[2, 2], [4, 4]]);
      expect(folded.getLayer('flat').outputShape).toEqual(model.getLayer('flat').outputShape);
      expect(folded.getLayer('c1').getWeights()[0].shape).toEqual([4, 4, 1, 3]);
    } finally {
      folded.dispose();
      model.dispose();
    }
  });

  it('is exact for a linear conv → average pool, with "same" and "valid" padding', async () => {
    for (const padding of ['same', 'valid'] as const) {
      const model = tfl.sequential({
        layers: [
          tfl.layers.conv2d({ name: 'c', inputShape: [10, 10, 2], filters: 3, kernelSize: 3, padding, ...init(20) }),
          tfl.layers.averagePooling2d({ name: 'p', poolSize: 2 }),
          tfl.layers.flatten(),
          tfl.layers.dense({ units: 2, ...init(21) }),
        ],
      });
      const folded = applyDepth(model, planDepth(model, { foldPooling: true }));
      const x = tf.randomUniform([2, 10, 10, 2], -1, 1, 'float32', 22);
      try {
        expect(folded.layers.map((l) => l.getClassName())).toEqual(['Conv2D', 'Flatten', 'Dense']);
        await expectSameOutputs(model, folded, x);
      } finally {
        x.dispose();
        folded.dispose();
        model.dispose();
      }
    }
  });

  it('keeps a pool whose stride would change the output size, and says why', () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ name: 'c', inputShape: [13, 13, 1], filters: 2, kernelSize: 3, padding: 'same', ...init(1) }),
        tfl.layers.maxPooling2d({ name: 'p', poolSize: 2 }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 2 }),
      ],
    });
    try {
      const plan = planDepth(model, { foldPooling: true });
      expect(plan.folds).toEqual([]);
      expect(plan.kept).toEqual([{ layer: 'c → p', reason: 'a stride-2 convolution would give 7×7 outputs where the pooling gives 6×6' }]);
    } finally {
      model.dispose();
    }
  });

  it('merges linear hidden Dense layers exactly, from the output inwards', async () => {
    const model = lenetLike('linear');
    const plan = planDepth(model, { mergeDense: 2 });
    expect(plan.merges).toEqual([{ removed: 'd2', into: 'out', between: [], activation: 'linear' }, { removed: 'd1', into: 'd2', between: [], activation: 'linear' }]);
    const merged = applyDepth(model, plan);
    const x = tf.randomUniform([3, 12, 12, 1], 0, 1, 'float32', 5);
    try {
      expect(merged.layers.map((l) => l.name)).toEqual(['c1', 'p1', 'c2', 'p2', 'flat', 'out']);
      expect(merged.getLayer('out').getWeights()[0].shape).toEqual([16, 3]);
      await expectSameOutputs(model, merged, x);
    } finally {
      x.dispose();
      merged.dispose();
      model.dispose();
    }
  });

  it('rewires a functional model and adds the bias a merge needs', async () => {
    const model = functionalMlp();
    const merged = applyDepth(model, planDepth(model, { mergeDense: 2 }));
    const x = tf.randomUniform([4, 6], -1, 1, 'float32', 9);
    try {
      expect(merged.layers.map((l) => l.name)).toEqual(['in', 'out']);
      // d1 had a bias, d2 and out had none: the merged layer carries b1·W2·W3.
      expect(merged.getLayer('out').getWeights().map((w) => w.shape)).toEqual([[6, 2], [2]]);
      await expectSameOutputs(model, merged, x);
    } finally {
      x.dispose();
      merged.dispose();
      model.dispose();
    }
  });

  it('leaves the input model whole when the removed layer has no bias and the next one has', async () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.dense({ name: 'd1', inputShape: [4], units: 3, useBias: false, ...init(40) }),
        tfl.layers.dense({ name: 'out', units: 2, ...init(41) }),
      ],
    });
    const merged = applyDepth(model, planDepth(model, { mergeDense: 1 }));
    const x = tf.randomUniform([2, 4], -1, 1, 'float32', 15);
    try {
      merged.dispose();
      // The merged model's bias was a copy: disposing it leaves the input's own variables readable.
      expect(model.getLayer('out').getWeights().map((w) => w.isDisposed)).toEqual([false, false]);
      expect((await outputs(model, x)).length).toBe(4);
    } finally {
      x.dispose();
      model.dispose();
    }
  });

  it('neither folds nor merges through a layer the model returns', () => {
    const input = tfl.input({ shape: [8, 8, 1] });
    const conv = tfl.layers.conv2d({ name: 'c', filters: 2, kernelSize: 3, padding: 'same', ...init(42) }).apply(input) as tfl.SymbolicTensor;
    const pool = tfl.layers.maxPooling2d({ name: 'p', poolSize: 2 }).apply(conv) as tfl.SymbolicTensor;
    const flat = tfl.layers.flatten().apply(pool) as tfl.SymbolicTensor;
    const hidden = tfl.layers.dense({ name: 'h', units: 3, ...init(43) }).apply(flat) as tfl.SymbolicTensor;
    const out = tfl.layers.dense({ name: 'out', units: 2, ...init(44) }).apply(hidden) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: [out, conv, hidden] });
    try {
      expect(planDepth(model, { foldPooling: true }).folds).toEqual([]);
      const single = tfl.model({ inputs: input, outputs: out });
      expect(planDepth(single, { foldPooling: true }).folds.map((f) => f.conv)).toEqual(['c']);
    } finally {
      model.dispose();
    }
  });

  it('refuses to merge more Dense layers than the chain has, naming what stops it', () => {
    const model = lenetLike();
    try {
      expect(() => planDepth(model, { mergeDense: 3 })).toThrow(BonsaiError);
      expect(() => planDepth(model, { mergeDense: 3 })).toThrow(/3 hidden Dense layers asked to merge, but only 2 can: d1 is not fed by a Dense layer/);
    } finally {
      model.dispose();
    }
  });

  it('runs end to end in pruneStructured: fewer layers, the notes say what went, the files load', async () => {
    const input = await loadedLayers(lenetLike());
    const result = await pruneStructured(input, { method: 'structured', ratio: 0, norm: 'l1', foldPooling: true, mergeDense: 1 }, {}, ctx);
    const json = JSON.parse(new TextDecoder().decode(result.files.find((f) => f.path === 'model.json')!.bytes)) as { modelTopology: { config: { layers: { config: { name: string } }[] } } };
    expect(json.modelTopology.config.layers.map((l) => l.config.name)).toEqual(['c1', 'c2', 'flat', 'd1', 'out']);
    expect(result.name).toBe('2 pools folded, 1 dense merged');
    expect(result.step).toBe('depth pruning: 2 pools folded, 1 dense merged');
    // The merged layer stays in the per-layer report, every unit gone.
    expect(result.perLayer.find((r) => r.layer === 'd2')).toMatchObject({ before: 5, after: 0, removedFraction: 1 });
    expect(result.notes.join(' ')).toMatch(/c1 now 4×4 stride 2, p1 removed; c2 now 4×4 stride 2, p2 removed/);
    expect(result.notes.join(' ')).toMatch(/d2 removed, their kernels multiplied into out\. Their relu activation is gone/);
    // A kernel cap cannot crop the folded convs (strided now); the notes say so instead of nothing.
    const capped = await pruneStructured(input, { method: 'structured', ratio: 0, norm: 'l1', foldPooling: true, maxKernelSize: 3 }, {}, ctx);
    expect(capped.notes).toContain('Kernels left whole despite the 3×3 cap: c1 (its stride is not 1); c2 (its padding is not \'same\' (a smaller kernel would change the output size)).');
    input.model.dispose();
  });

  it('refuses channel settings that name a layer the depth cut removes', async () => {
    const input = await loadedLayers(lenetLike());
    await expect(pruneStructured(input, { method: 'structured', ratio: 0.5, norm: 'l1', mergeDense: 1, perLayer: { d2: 0.5 } }, {}, ctx))
      .rejects.toMatchObject({ code: 'BAD_CONFIG', message: 'Error in pruneStructured: perLayer names "d2", which depth pruning removes (merged into out).' });
    await expect(pruneStructured(input, { method: 'structured', ratio: 0.5, norm: 'l1', foldPooling: true, skip: ['p1'] }, {}, ctx))
      .rejects.toMatchObject({ code: 'BAD_CONFIG', message: 'Error in pruneStructured: skip names "p1", which depth pruning removes (folded into c1\'s stride).' });
    input.model.dispose();
  });

  it('says plainly when no pooling layer can be folded', async () => {
    const input = await loadedLayers(depthwiseCnn());
    await expect(pruneStructured(input, { method: 'structured', ratio: 0, norm: 'l1', foldPooling: true }, {}, ctx))
      .rejects.toMatchObject({ code: 'BAD_CONFIG', message: expect.stringMatching(/no pooling layer of this model can be folded/) });
    input.model.dispose();
  });

  it('folds through BatchNorm and activation layers (conv → BN → ReLU → pool), which stay', async () => {
    const model = sequentialCnn();
    const plan = planDepth(model, { foldPooling: true });
    expect(plan.folds).toEqual([{ conv: 'conv1', pool: 'pool1', stride: 2, kernel: [4, 4] }]);
    const folded = applyDepth(model, plan);
    const x = tf.randomUniform([2, 6, 6, 2], 0, 1, 'float32', 13);
    try {
      expect(folded.layers.map((l) => l.name)).toEqual(['conv1', 'bn1', 'relu1', 'conv2', 'flatten', 'dense1', 'out']);
      expect((await outputs(folded, x)).length).toBe(2 * 3);
    } finally {
      x.dispose();
      folded.dispose();
      model.dispose();
    }
  });

  it('merges through dropout (the identity at inference), exactly when the layer is linear', async () => {
    const build = (activation: 'linear' | 'relu') => tfl.sequential({
      layers: [
        tfl.layers.dense({ name: 'd1', inputShape: [5], units: 4, activation, ...init(30) }),
        tfl.layers.dropout({ name: 'drop', rate: 0.5 }),
        tfl.layers.dense({ name: 'out', units: 3, ...init(31) }),
      ],
    });
    const model = build('linear');
    const plan = planDepth(model, { mergeDense: 1 });
    expect(plan.merges).toEqual([{ removed: 'd1', into: 'out', between: ['drop'], activation: 'linear' }]);
    const merged = applyDepth(model, plan);
    const x = tf.randomUniform([3, 5], -1, 1, 'float32', 14);
    const relu = build('relu');
    try {
      expect(merged.layers.map((l) => l.name)).toEqual(['out']);
      await expectSameOutputs(model, merged, x);
      expect(planDepth(relu, { mergeDense: 1 }).merges[0].activation).toBe('relu');
    } finally {
      x.dispose();
      merged.dispose();
      model.dispose();
      relu.dispose();
    }
  });
});

describeEachBackend('depth pruning settings', () => {
  it('are checked before any work starts', () => {
    const base = { method: 'structured', ratio: 0, norm: 'l1' } as const;
    expect(() => validatePruneConfig({ ...base, mergeDense: 1.5 })).toThrow(/mergeDense must be a whole number from 0 to 8/);
    expect(() => validatePruneConfig({ ...base, mergeDense: -1 })).toThrow(/mergeDense must be a whole number/);
    expect(() => validatePruneConfig({ ...base, foldPooling: 'yes' as unknown as boolean })).toThrow(/foldPooling must be true or false/);
    expect(validatePruneConfig({ ...base, foldPooling: true, mergeDense: 2 })).toMatchObject({ foldPooling: true, mergeDense: 2 });
  });
});
