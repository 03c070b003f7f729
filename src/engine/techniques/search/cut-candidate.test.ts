import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DatasetSplit } from '../../data/types';
import { BonsaiError } from '../../errors';
import { disposeLoaded, loadPrepared } from '../../model/load';
import type { LoadedModel } from '../../model/loaded';
import { prepareModel } from '../../model/validate';
import { describeEachBackend } from '../../test-utils/backends';
import { loadedLayers } from '../../test-utils/model-fixtures';
import { denseClassifier, disposeSplit, mnistSplit } from '../../test-utils/train-fixtures';
import { fakeRun, flatSplit, graphTeacher } from '../distill/test-utils/distill-fixtures';
import type { VariantOutput } from '../types';
import { buildCut, referenceCuts } from './cut-candidate';
import { DEFAULT_SEARCH_CONFIG, type SearchConfig, type SearchLive } from './meta';
import { SEARCH } from './technique';
import { trainCandidate } from './train-candidate';

const init = (seed: number) => ({ kernelInitializer: tfl.initializers.glorotUniform({ seed }) });

/** LeNet-5's shape in small, on 28×28 digits: conv(same) → pool → conv(valid) → pool → flatten → 3 dense. */
function lenetLike(): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({ name: 'c1', inputShape: [28, 28, 1], filters: 3, kernelSize: 5, padding: 'same', activation: 'relu', ...init(1) }),
      tfl.layers.maxPooling2d({ name: 'p1', poolSize: 2 }),
      tfl.layers.conv2d({ name: 'c2', filters: 4, kernelSize: 5, activation: 'relu', ...init(2) }),
      tfl.layers.maxPooling2d({ name: 'p2', poolSize: 2 }),
      tfl.layers.flatten({ name: 'flat' }),
      tfl.layers.dense({ name: 'd1', units: 8, activation: 'relu', ...init(3) }),
      tfl.layers.dense({ name: 'd2', units: 6, activation: 'relu', ...init(4) }),
      tfl.layers.dense({ name: 'out', units: 10, activation: 'softmax', ...init(5) }),
    ],
  });
}

const TINY: SearchConfig = {
  ...DEFAULT_SEARCH_CONFIG,
  space: { maxBlocks: 1, widths: [4], denseUnits: [16], maxDense: 1, cuts: 'only' },
  constraints: { maxParams: 40_000 },
  strategy: { kind: 'random' },
  budget: { candidates: 3, minutes: null },
  searchTrain: { epochs: 1, examples: 32 },
  retrainTop: 1,
  finalTrain: { epochs: 1, batchSize: 16, learningRate: 0.005, optimizer: 'adam', seed: 1 },
  objective: { kind: 'accuracy' },
  reference: true,
};

async function weightsOf(model: tfl.LayersModel): Promise<number[][]> {
  return Promise.all(model.getWeights().map(async (w) => Array.from(await w.data())));
}

describeEachBackend('search: cuts of the reference', () => {
  let train: DatasetSplit;
  let validation: DatasetSplit;
  let lenet: LoadedModel;
  beforeAll(async () => {
    train = mnistSplit('train', 48);
    validation = mnistSplit('test', 24);
    lenet = await loadedLayers(lenetLike());
  });
  afterAll(() => {
    disposeSplit(train);
    disposeSplit(validation);
    disposeLoaded(lenet);
  });

  it('reads what the reference allows to cut: pools to fold and hidden Dense layers to merge', async () => {
    expect(referenceCuts(lenet, 'lenet')).toEqual({ name: 'lenet', canFold: true, maxMerge: 2, linearWhenAllMerged: false });
    const mlp = await loadedLayers(denseClassifier({ inputs: 784, hidden: [], classes: 10, seed: 2 }));
    const deep = await loadedLayers(denseClassifier({ inputs: 784, hidden: [16, 8], classes: 10, seed: 3 }));
    const graph = await graphTeacher('Softmax');
    try {
      expect(referenceCuts(mlp, 'mlp')).toEqual({ name: 'mlp', canFold: false, maxMerge: 0, linearWhenAllMerged: false });
      // An MLP with two hidden layers: merging both leaves Dense 10 on the inputs, a linear model.
      expect(referenceCuts(deep, 'deep')).toEqual({ name: 'deep', canFold: false, maxMerge: 2, linearWhenAllMerged: true });
      // A BatchNorm ends the merge chain: the Dense behind it keeps its ReLU, so no cut is linear.
      const withNorm = tfl.sequential({
        layers: [
          tfl.layers.flatten({ inputShape: [28, 28, 1] }),
          tfl.layers.dense({ units: 8, activation: 'relu', ...init(6) }),
          tfl.layers.batchNormalization(),
          tfl.layers.dense({ units: 6, activation: 'relu', ...init(7) }),
          tfl.layers.dense({ units: 10, activation: 'softmax', ...init(8) }),
        ],
      });
      const normed = await loadedLayers(withNorm);
      try {
        expect(referenceCuts(normed, 'normed')).toEqual({ name: 'normed', canFold: false, maxMerge: 1, linearWhenAllMerged: false });
      } finally {
        disposeLoaded(normed);
      }
      expect(referenceCuts(graph, 'graph')).toBeNull();
    } finally {
      disposeLoaded(mlp);
      disposeLoaded(deep);
      disposeLoaded(graph);
    }
  });

  it('cuts the reference without changing it: fewer layers, the kept weights carried over', async () => {
    const before = await weightsOf((lenet as Extract<LoadedModel, { format: 'layers' }>).model);
    const cut = await buildCut(lenet, { kind: 'cut', foldPooling: true, mergeDense: 2, ratio: 0 });
    try {
      expect(cut.model.layers.map((l) => l.getClassName())).toEqual(['Conv2D', 'Conv2D', 'Flatten', 'Dense']);
      expect(cut.params).toBe(cut.model.countParams());
      expect(cut.rows.map((r) => r.layer)).toEqual(['c1', 'c2', 'flat', 'out']);
      expect(cut.rows.map((r) => r.output)).toEqual(['[14×14×3]', '[5×5×4]', '[100]', '[10]']);
      expect(cut.flops).toBeGreaterThan(0);
      // 5×5 kernels grown to 6×6 for the folded 2×2 pools; the merged head is 100 → 10.
      expect(cut.params).toBe(6 * 6 * 1 * 3 + 3 + 6 * 6 * 3 * 4 + 4 + 100 * 10 + 10);
    } finally {
      cut.model.dispose();
    }
    expect(await weightsOf((lenet as Extract<LoadedModel, { format: 'layers' }>).model)).toEqual(before);
  });

  it('a pool member starts from a cut’s weights when the job carries them', async () => {
    const cut = await buildCut(lenet, { kind: 'cut', foldPooling: false, mergeDense: 0, ratio: 0.5 });
    try {
      const start = await weightsOf(cut.model);
      // A learning rate of 1e-9 leaves the weights where they started, to float precision.
      const out = await trainCandidate(
        { layers: [], init: cut.files, dataShape: [28, 28, 1], seed: 1, settings: { epochs: 1, batchSize: 16, learningRate: 1e-9, optimizer: 'sgd', seed: 1 } },
        { train, validation },
      );
      const trained = await loadPrepared(prepareModel(out.files));
      try {
        const after = await weightsOf((trained as Extract<LoadedModel, { format: 'layers' }>).model);
        expect(after.length).toBe(start.length);
        after.forEach((w, i) => w.forEach((v, j) => expect(v).toBeCloseTo(start[i][j], 5)));
      } finally {
        disposeLoaded(trained);
      }
    } finally {
      cut.model.dispose();
    }
  });

  it('a search over cuts only proposes cuts, trains them, and returns the winner with its layers', async () => {
    const run = fakeRun(lenet, { train, validation }, { names: new Map([[lenet, 'lenet']]) });
    const live: SearchLive[] = [];
    run.ctx.live = (item) => live.push(item as SearchLive);
    const out = (await SEARCH.run(run.ctx, TINY)) as VariantOutput;
    const start = live[0];
    expect(start.kind === 'search-start' && start.space.cuts).toMatchObject({ reference: 'lenet', foldPooling: [false, true], mergeDense: [0, 1, 2], only: true });
    const candidates = live.flatMap((l) => (l.kind === 'search-candidate' ? [l.candidate] : []));
    expect(candidates.length).toBe(4);
    for (const c of candidates) {
      expect(c.arch.kind).toBe('cut');
      expect(c.description).toMatch(/^lenet cut: .+ \(its weights kept\)$/);
      expect(c.status).toBe('trained');
      expect(c.predictedMs).toBeNull();
      expect(c.vsReference).toBeGreaterThan(0);
      expect(c.params).toBeGreaterThan(0);
    }
    const loaded = await loadPrepared(prepareModel(out.files));
    try {
      expect(loaded.format === 'layers' && loaded.model.countParams()).toBe(candidates[3].params);
    } finally {
      disposeLoaded(loaded);
    }
    expect(out.step).toMatch(/lenet cut: /);
    expect(out.notes.join(' ')).toContain('Latency table: not used — every candidate timed was a cut of the open model (4), and cuts are measured, not predicted.');
    expect(out.notes.join(' ')).not.toMatch(/layer configurations timed/);
    expect(out.perLayer?.map((r) => r.layer)).toContain('out');
  });

  /** A cuts-only search of an MLP on the flattened digits: every candidate it streamed, and how it ended. */
  async function searchCutsOf(mlp: LoadedModel, config: Partial<SearchConfig>) {
    const ftrain = flatSplit(train);
    const fval = flatSplit(validation);
    try {
      const run = fakeRun(mlp, { train: ftrain, validation: fval });
      const live: SearchLive[] = [];
      run.ctx.live = (item) => live.push(item as SearchLive);
      const outcome = await SEARCH.run(run.ctx, { ...TINY, space: { cuts: 'only' }, ...config }).catch((x: unknown) => x);
      return { outcome, candidates: live.flatMap((l) => (l.kind === 'search-candidate' ? [l.candidate] : [])) };
    } finally {
      tf.dispose([ftrain.xs, fval.xs]);
    }
  }

  it('a cut this model does not allow is a rejected candidate with the reason, not the end of the search', async () => {
    // One Dense layer, the output: nothing folds, merges or loses units, yet the ratios are above 0.
    const bare = await loadedLayers(denseClassifier({ inputs: 784, hidden: [], classes: 10, seed: 2 }));
    try {
      const { outcome: e, candidates: c } = await searchCutsOf(bare, { strategy: { kind: 'halving', cohort: 4, eta: 3 } });
      expect((e as BonsaiError).code).toBe('NO_CANDIDATE');
      expect(c.map((x) => x.archKey).sort()).toEqual(['cut[m0,r0.25]', 'cut[m0,r0.5]']);
      for (const x of c) {
        expect(x.status).toBe('rejected');
        // Never built: its size is unknown, not 0.
        expect(x.params).toBeNull();
        expect(x.flops).toBeNull();
        expect(x.reason).toMatch(/^not a cut of this model: at a ratio of 0\.\d+ no filter or unit of this model would be removed/);
      }
    } finally {
      disposeLoaded(bare);
    }
  });

  it('a ratio that removes nothing once the hidden layers are merged is rejected as the ratio-0 cut again, not trained twice', async () => {
    const mlp = await loadedLayers(denseClassifier({ inputs: 784, hidden: [8], classes: 10, seed: 2 }));
    try {
      const { outcome, candidates } = await searchCutsOf(mlp, { strategy: { kind: 'halving', cohort: 5, eta: 5 }, budget: { candidates: 5, minutes: null }, retrainTop: 1 });
      expect(outcome).not.toBeInstanceOf(Error);
      const byKey = new Map(candidates.flatMap((c) => (c.phase === 'search' && c.rung === 0 ? [[c.archKey, c]] : [])));
      expect([...byKey.keys()].sort()).toEqual(['cut[m0,r0.25]', 'cut[m0,r0.5]', 'cut[m1,r0.25]', 'cut[m1,r0.5]', 'cut[m1,r0]']);
      for (const key of ['cut[m1,r0.25]', 'cut[m1,r0.5]']) {
        expect(byKey.get(key)).toMatchObject({ status: 'rejected', reason: 'removes no filter or unit here (no layer with channels is left after the cut): the same model as the cut at 0%', params: 7850 });
      }
      for (const key of ['cut[m1,r0]', 'cut[m0,r0.25]', 'cut[m0,r0.5]']) expect(byKey.get(key)?.status).toBe('trained');
      // Its one hidden layer merged leaves a linear model, and the candidate's name says so.
      expect(byKey.get('cut[m1,r0]')?.description).toMatch(/1 hidden Dense merged \(every hidden layer: a linear model, which caps its accuracy\)/);
      expect(byKey.get('cut[m0,r0.25]')?.description).not.toMatch(/linear/);
    } finally {
      disposeLoaded(mlp);
    }
  });

  it('cuts need a LayersModel reference: a clear error otherwise', async () => {
    const noRef = await SEARCH.run(fakeRun(lenet, { train, validation }).ctx, { ...TINY, reference: false }).catch((x: unknown) => x);
    expect(noRef).toBeInstanceOf(BonsaiError);
    expect((noRef as BonsaiError).code).toBe('BAD_CONFIG');
    expect((noRef as BonsaiError).message).toMatch(/cuts of the open model need the open model as the reference/);
    const graph = await graphTeacher('Softmax', { inputs: 784 });
    try {
      const flat = flatSplit(train);
      const fval = flatSplit(validation);
      try {
        const e = await SEARCH.run(fakeRun(graph, { train: flat, validation: fval }).ctx, TINY).catch((x: unknown) => x);
        expect((e as BonsaiError).code).toBe('BAD_CONFIG');
        expect((e as BonsaiError).message).toMatch(/a LayersModel/);
      } finally {
        tf.dispose([flat.xs, fval.xs]);
      }
    } finally {
      disposeLoaded(graph);
    }
  });
});
