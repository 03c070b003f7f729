import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DatasetSplit } from '../../data/types';
import { BonsaiError } from '../../errors';
import { nonZeroParamsOf } from '../../metrics/nonzero';
import { gzipBytes } from '../../metrics/size';
import { prepareModel } from '../../model/validate';
import { describeEachBackend } from '../../test-utils/backends';
import { loadedLayers } from '../../test-utils/model-fixtures';
import { denseClassifier, disposeSplit, mnistSplit, weightValues } from '../../test-utils/train-fixtures';
import type { TechniqueContext, TechniquePoint } from '../types';
import { polynomialSparsity } from './masks';
import type { PruneConfig, TrainSettings } from './meta';
import { runPrune, type VariantPruneConfig } from './run';
import { stockLoad, storedFloats, zeros } from './test-utils/prune-fixtures';

const FT: TrainSettings = { epochs: 1, batchSize: 32, learningRate: 0.001, optimizer: 'adam', seed: 1, maxBatchesPerEpoch: 6 };
const quiet: TechniqueContext = { progress: () => {} };

function recorder(): TechniqueContext & { points: TechniquePoint[] } {
  const points: TechniquePoint[] = [];
  return { points, progress: (_phase, _d, _t, p) => void (p && points.push(p)) };
}

async function expectCode(p: Promise<unknown>, code: string, field?: RegExp): Promise<void> {
  const e = await p.then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(BonsaiError);
  expect((e as BonsaiError).code).toBe(code);
  if (field) expect((e as BonsaiError).message).toMatch(field);
}

describeEachBackend('runPrune (Dense)', () => {
  let train: DatasetSplit;
  let validation: DatasetSplit;
  beforeAll(() => {
    train = mnistSplit('train', 256);
    validation = mnistSplit('test', 128);
  });
  afterAll(() => {
    disposeSplit(train);
    disposeSplit(validation);
  });

  it('one-shot per-layer: exact zeros per layer, input untouched, stock TF.js loads the zeros, gzip shrinks', async () => {
    const model = denseClassifier({ inputs: 784, hidden: [32], classes: 10 });
    const [d1, d2] = model.layers.map((l) => l.name);
    const input = await loadedLayers(model);
    const before = weightValues(model);
    try {
      const r = await runPrune(input, { method: 'magnitude', sparsity: 0.7, schedule: 'one-shot', scope: 'per-layer', minLayerParams: 0 }, {}, quiet);
      expect(weightValues(model)).toEqual(before);
      const w = storedFloats(r.files);
      expect(zeros(w.get(`${d1}/kernel`)!)).toBe(Math.round(0.7 * 784 * 32));
      expect(zeros(w.get(`${d2}/kernel`)!)).toBe(Math.round(0.7 * 32 * 10));
      expect(r.perLayer).toEqual([
        { layer: d1, params: 25088, zeros: 17562, sparsity: 17562 / 25088, status: 'pruned' },
        { layer: d2, params: 320, zeros: 224, sparsity: 0.7, status: 'pruned' },
      ]);
      expect(r.notes.join(' ')).toMatch(/no sparse kernels/);
      expect(r.history).toBeUndefined();

      const stock = await stockLoad(r.files);
      try {
        const k = stock.getLayer(d1).getWeights()[0];
        expect(zeros(await k.data())).toBe(17562);
      } finally {
        stock.dispose();
      }
      const pruned = prepareModel(r.files);
      expect(gzipBytes(pruned)).toBeLessThan(gzipBytes(input.prepared) * 0.6);
      expect(nonZeroParamsOf({ ...input, prepared: pruned })).toBe(model.countParams() - 17562 - 224 - 42); // biases are 0
    } finally {
      model.dispose();
    }
  });

  it('one-shot global: one threshold, exact in total; perLayer overrides and tiny layers', async () => {
    const model = denseClassifier({ inputs: 784, hidden: [32, 16], classes: 10, seed: 2 });
    const [d1, d2, d3] = model.layers.map((l) => l.name);
    const input = await loadedLayers(model);
    try {
      const r = await runPrune(input, { method: 'magnitude', sparsity: 0.8, schedule: 'one-shot', scope: 'global', perLayer: { [d3]: 0.5 } }, {}, quiet);
      const w = storedFloats(r.files);
      // d2 (512 weights) is under the 1,000 minimum; d3 is named in perLayer, so it is pruned on its own.
      expect(zeros(w.get(`${d1}/kernel`)!)).toBe(Math.round(0.8 * 25088));
      expect(zeros(w.get(`${d2}/kernel`)!)).toBe(0);
      expect(zeros(w.get(`${d3}/kernel`)!)).toBe(80);
      expect(r.perLayer.find((row) => row.layer === d2)?.status).toBe('skipped: 512 weights, under the 1000 minimum');

      const two = await runPrune(input, { method: 'magnitude', sparsity: 0.8, schedule: 'one-shot', scope: 'global', minLayerParams: 0 }, {}, quiet);
      const v = storedFloats(two.files);
      const total = [d1, d2, d3].reduce((n, l) => n + zeros(v.get(`${l}/kernel`)!), 0);
      expect(total).toBe(Math.round(0.8 * (25088 + 512 + 160)));
      const sparsities = two.perLayer.map((row) => row.sparsity as number);
      expect(new Set(sparsities.map((s) => s.toFixed(3))).size).toBeGreaterThan(1);
    } finally {
      model.dispose();
    }
  });

  it('gradual: sparsity follows the schedule during fine-tuning and the fine-tuned weights keep exact zeros', async () => {
    const model = denseClassifier({ inputs: 784, hidden: [32], classes: 10 });
    const [d1] = model.layers.map((l) => l.name);
    const input = await loadedLayers(model);
    const ctx = recorder();
    const gradual = { initialSparsity: 0.1, beginStep: 0, endStep: 4, frequency: 2, power: 3 };
    try {
      const r = await runPrune(input, { method: 'magnitude', sparsity: 0.9, schedule: 'gradual', scope: 'global', gradual, fineTune: FT }, { train, validation }, ctx);
      const schedule = ctx.points.filter((p) => p.series === 'sparsity');
      expect(schedule.map((p) => p.x)).toEqual([0, 2, 4]);
      for (const p of schedule) expect(p.y).toBeCloseTo(polynomialSparsity(p.x, { ...gradual, finalSparsity: 0.9 }), 12);
      expect(zeros(storedFloats(r.files).get(`${d1}/kernel`)!)).toBe(Math.round(0.9 * 25088));
      expect(r.history?.epochs).toHaveLength(1);
      expect(r.step).toMatch(/gradual .*90%.*1 epoch fine-tune/);
    } finally {
      model.dispose();
    }
  });

  it('N:M 2:4 with fine-tuning: the pattern holds in every group afterwards', async () => {
    const model = denseClassifier({ inputs: 784, hidden: [32], classes: 10 });
    const [d1] = model.layers.map((l) => l.name);
    const input = await loadedLayers(model);
    try {
      const r = await runPrune(input, { method: 'nm', n: 2, m: 4, fineTune: { ...FT, maxBatchesPerEpoch: 3 } }, { train }, quiet);
      const k = storedFloats(r.files).get(`${d1}/kernel`)!; // [784, 32]
      for (let o = 0; o < 32; o++) {
        for (let g = 0; g < 784; g += 4) {
          let nonZero = 0;
          for (let c = 0; c < 4; c++) if (k[(g + c) * 32 + o] !== 0) nonZero++;
          expect(nonZero).toBeLessThanOrEqual(2);
        }
      }
      expect(zeros(k)).toBe(784 * 32 / 2);
      expect(r.history).toBeDefined();
    } finally {
      model.dispose();
    }
  });

  it('unlabeled training data: fine-tunes against the unpruned model’s outputs', async () => {
    const model = denseClassifier({ inputs: 784, hidden: [32], classes: 10 });
    const input = await loadedLayers(model);
    const unlabeled = { xs: train.xs, ys: null, count: train.count };
    try {
      const r = await runPrune(input, { method: 'magnitude', sparsity: 0.5, schedule: 'one-shot', scope: 'global', fineTune: { ...FT, maxBatchesPerEpoch: 2 } }, { train: unlabeled }, quiet);
      expect(r.history?.epochs[0].accuracy).toBeNull();
      expect(Number.isFinite(r.history?.epochs[0].loss)).toBe(true);
    } finally {
      model.dispose();
    }
  });

  it('refuses bad settings, naming the field', async () => {
    const model = denseClassifier({ inputs: 784, hidden: [32], classes: 10 });
    const input = await loadedLayers(model);
    const cases: [PruneConfig, string, RegExp][] = [
      [{ method: 'magnitude', sparsity: 1, schedule: 'one-shot', scope: 'global' }, 'BAD_CONFIG', /sparsity must be a number in \[0, 1\)/],
      [{ method: 'magnitude', sparsity: -0.1, schedule: 'one-shot', scope: 'global' }, 'BAD_CONFIG', /sparsity/],
      [{ method: 'magnitude', sparsity: 0.5, schedule: 'one-shot', scope: 'global', perLayer: { x: 1.2 } }, 'BAD_CONFIG', /perLayer\.x/],
      [{ method: 'magnitude', sparsity: 0.5, schedule: 'one-shot', scope: 'global', skip: ['nope'] }, 'BAD_CONFIG', /skip names 'nope'/],
      [{ method: 'magnitude', sparsity: 0.5, schedule: 'gradual', scope: 'global' }, 'BAD_CONFIG', /fineTune/],
      [{ method: 'magnitude', sparsity: 0.5, schedule: 'one-shot', scope: 'global', fineTune: { ...FT, learningRate: 0 } }, 'BAD_CONFIG', /fineTune\.learningRate/],
      [{ method: 'nm', n: 3, m: 2 }, 'BAD_CONFIG', /n must be at most m/],
      [{ method: 'nm', n: 0, m: 4 }, 'BAD_CONFIG', /n must be/],
      [{ method: 'structured', ratio: 1, norm: 'l1' }, 'BAD_CONFIG', /ratio must be a number in \[0, 1\)/],
      [{ method: 'auto', target: { kind: 'accuracy-drop', points: 1 }, ratios: [0.5, 1] }, 'BAD_CONFIG', /ratios\[1\]/],
      // No training data: anything that must fine-tune says so; one-shot goes ahead (below).
      [{ method: 'magnitude', sparsity: 0.5, schedule: 'gradual', scope: 'global', fineTune: FT }, 'NO_TRAINING_DATA', /gradual pruning fine-tunes the model, and there is no training data/],
      [{ method: 'nm', n: 2, m: 4, fineTune: FT }, 'NO_TRAINING_DATA', /2:4 pruning/],
    ];
    try {
      for (const [config, code, message] of cases) await expectCode(runPrune(input, config as VariantPruneConfig, {}, quiet), code, message);
      const oneShot = await runPrune(input, { method: 'magnitude', sparsity: 0.5, schedule: 'one-shot', scope: 'global', fineTune: FT }, {}, quiet);
      expect(oneShot.notes.join(' ')).toMatch(/No training data: pruned one-shot, without fine-tuning/);
      expect(oneShot.history).toBeUndefined();
    } finally {
      model.dispose();
    }
  });

  it('a cancel during fine-tuning rejects with AbortError and leaves no tensor behind', async () => {
    const model = denseClassifier({ inputs: 784, hidden: [32], classes: 10 });
    const input = await loadedLayers(model);
    const abort = new AbortController();
    const ctx: TechniqueContext = { signal: abort.signal, progress: (phase, done) => void (phase === 'fine-tune' && done >= 2 && abort.abort()) };
    try {
      const e = await runPrune(input, { method: 'magnitude', sparsity: 0.9, schedule: 'gradual', scope: 'global', fineTune: FT }, { train }, ctx).catch((err: unknown) => err);
      expect((e as Error).name).toBe('AbortError');
    } finally {
      model.dispose();
    }
  });
});

/** 28×28×1 → conv 8 (72 weights, skipped as tiny) → conv 16 (1,152) → dense 10. */
function smallCnn(): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 3, strides: 2, activation: 'relu', name: 'c1', kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) }),
      tfl.layers.conv2d({ filters: 16, kernelSize: 3, strides: 2, activation: 'relu', name: 'c2', kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 10, activation: 'softmax', name: 'out', kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }) }),
    ],
  });
}

// CNN fine-tuning on wasm runs through Bonsai's own gradient kernels (DESIGN.md §5).
describeEachBackend('runPrune (CNN fine-tuning)', () => {
  let train: DatasetSplit;
  beforeAll(() => {
    train = mnistSplit('train', 64);
  });
  afterAll(() => disposeSplit(train));

  it('gradual on conv kernels and 2:4 along input channels survive fine-tuning', async () => {
    const model = smallCnn();
    const input = await loadedLayers(model);
    const ft = { ...FT, batchSize: 16, maxBatchesPerEpoch: 3 };
    try {
      const g = await runPrune(input, { method: 'magnitude', sparsity: 0.75, schedule: 'gradual', scope: 'per-layer', fineTune: ft }, { train }, quiet);
      const gw = storedFloats(g.files);
      expect(zeros(gw.get('c2/kernel')!)).toBe(Math.round(0.75 * 1152));
      expect(zeros(gw.get('out/kernel')!)).toBe(0.75 * 5760);
      expect(g.perLayer.find((r) => r.layer === 'c1')?.status).toMatch(/^skipped/);

      const nm = await runPrune(input, { method: 'nm', n: 2, m: 4, minLayerParams: 0, fineTune: ft }, { train }, quiet);
      const k = storedFloats(nm.files).get('c2/kernel')!; // [3, 3, 8, 16]: groups of 4 along in = 8
      for (let s = 0; s < 9; s++) for (let o = 0; o < 16; o++) for (let gi = 0; gi < 8; gi += 4) {
        let nonZero = 0;
        for (let c = 0; c < 4; c++) if (k[(s * 8 + gi + c) * 16 + o] !== 0) nonZero++;
        expect(nonZero).toBe(2);
      }
      // c1 has one input channel: groups of 1 < M keep min(N, 1) = 1, i.e. nothing is pruned.
      expect(zeros(storedFloats(nm.files).get('c1/kernel')!)).toBe(0);
    } finally {
      model.dispose();
    }
  });
});
