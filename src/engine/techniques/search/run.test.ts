import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DatasetSplit } from '../../data/types';
import { BonsaiError, isAbortError } from '../../errors';
import { layersModelFlops } from '../../metrics/flops';
import { disposeLoaded, loadPrepared } from '../../model/load';
import type { LoadedModel } from '../../model/loaded';
import { prepareModel } from '../../model/validate';
import { mulberry32 } from '../../runtime/random';
import { describeEachBackend } from '../../test-utils/backends';
import { loadedLayers } from '../../test-utils/model-fixtures';
import { denseClassifier, disposeSplit, mnistSplit } from '../../test-utils/train-fixtures';
import { fakeRun, flatSplit } from '../distill/test-utils/distill-fixtures';
import type { VariantOutput } from '../types';
import { buildModel } from './build';
import { archCost, archLayers } from './layers';
import { LatencyTable, memoryCache } from './latency-table';
import { DEFAULT_SEARCH_CONFIG, type CandidateRecord, type SearchConfig, type SearchLive } from './meta';
import { sampleValid } from './operators';
import { deriveSpace } from './space';
import { belowReference, tableNotes } from './run';
import { SEARCH } from './technique';

const TINY: SearchConfig = {
  ...DEFAULT_SEARCH_CONFIG,
  space: { maxBlocks: 1, widths: [4, 8], denseUnits: [16], maxDense: 1 },
  constraints: { maxParams: 40_000 },
  strategy: { kind: 'evolution', population: 2, sample: 2 },
  budget: { candidates: 3, minutes: null },
  searchTrain: { epochs: 1, examples: 32 },
  retrainTop: 1,
  finalTrain: { epochs: 1, batchSize: 16, learningRate: 0.005, optimizer: 'adam', seed: 1 },
  reference: false,
};

describeEachBackend('search', () => {
  let train: DatasetSplit;
  let validation: DatasetSplit;
  let input: LoadedModel;
  beforeAll(async () => {
    train = mnistSplit('train', 48);
    validation = mnistSplit('test', 24);
    input = await loadedLayers(tfl.sequential({ layers: [tfl.layers.flatten({ inputShape: [28, 28, 1] }), tfl.layers.dense({ units: 10, activation: 'softmax' })] }));
  });
  afterAll(() => {
    disposeSplit(train);
    disposeSplit(validation);
    disposeLoaded(input);
  });

  it('builds what layers.ts counts: parameters and FLOPs of 20 drawn architectures match the built models', () => {
    const space = deriveSpace([28, 28, 1], 10);
    const rng = mulberry32(4);
    for (let i = 0; i < 20; i++) {
      const arch = sampleValid(space, { maxParams: 300_000 }, rng);
      const layers = archLayers(arch, space);
      const model = buildModel(layers, [28, 28, 1], 1);
      try {
        expect(model.countParams()).toBe(archCost(layers).params);
        expect(layersModelFlops(model).flops).toBe(archCost(layers).flops);
        expect(model.outputs[0].shape).toEqual([null, 10]);
      } finally {
        model.dispose();
      }
    }
  });

  it('the latency table times each layer configuration once and caches it per device', async () => {
    const space = deriveSpace([28, 28, 1], 10, { maxBlocks: 1, widths: [4] });
    const arch = sampleValid(space, {}, mulberry32(2));
    const layers = archLayers(arch, space);
    const cache = memoryCache();
    const t1 = new LatencyTable(cache, 'dev-a');
    const p = await t1.predict(layers, [28, 28, 1], 1);
    expect(p).toBeGreaterThan(0);
    expect(t1.timed).toBe(new Set(layers.map((l) => JSON.stringify([l.kind, l.inShape, l.kernel, l.strides, l.filters, l.units, l.activation]))).size + 1);
    const t2 = new LatencyTable(cache, 'dev-a');
    expect(await t2.predict(layers, [28, 28, 1], 1)).toBe(p);
    expect(t2.timed).toBe(0);
    const t3 = new LatencyTable(cache, 'dev-b');
    await t3.predict(layers, [28, 28, 1], 1);
    expect(t3.timed).toBe(t1.timed);
  });

  it('streams every candidate, retrains the best, and returns a variant that loads like a user’s files', async () => {
    const run = fakeRun(input, { train, validation });
    const live: SearchLive[] = [];
    run.ctx.live = (item) => live.push(item as SearchLive);
    const out = (await SEARCH.run(run.ctx, TINY)) as VariantOutput & { kind: string };
    expect(out.kind).toBe('variant');
    expect(live[0].kind).toBe('search-start');
    const candidates = live.flatMap((l) => (l.kind === 'search-candidate' ? [l] : []));
    expect(candidates.map((c) => c.candidate.key)).toEqual(['search:0:0', 'search:0:1', 'search:0:2', expect.stringMatching(/^final:0:/)]);
    for (const c of candidates) {
      expect(c.candidate.status).toBe('trained');
      expect(c.candidate.params).toBeLessThanOrEqual(40_000);
      expect(c.candidate.latencyMs).toBeGreaterThan(0);
      expect(c.candidate.predictedMs).toBeGreaterThan(0);
      expect(c.candidate.valAccuracy).toBeGreaterThanOrEqual(0);
      expect(c.files?.map((f) => f.path)).toContain('model.json');
    }
    const end = live[live.length - 1];
    expect(end.kind).toBe('search-end');
    const loaded = await loadPrepared(prepareModel(out.files));
    try {
      expect(loaded.format === 'layers' && loaded.model.countParams()).toBe(candidates[3].candidate.params);
    } finally {
      disposeLoaded(loaded);
    }
    expect(out.step).toMatch(/architecture search \(evolution, 3 candidates, seed 1\)/);
    expect(out.notes.join(' ')).toMatch(/Spearman ρ/);
  });

  it('a resumed search replays recorded candidates instead of training them', async () => {
    const first = fakeRun(input, { train, validation });
    const live: SearchLive[] = [];
    first.ctx.live = (item) => live.push(item as SearchLive);
    const cfg2 = { ...TINY, budget: { candidates: 2, minutes: null }, retrainTop: 1 };
    await SEARCH.run(first.ctx, cfg2);
    const done = live.flatMap((l) => (l.kind === 'search-candidate' && l.candidate.phase === 'search' ? [l.candidate] : []));
    const again = fakeRun(input, { train, validation });
    const live2: SearchLive[] = [];
    again.ctx.live = (item) => live2.push(item as SearchLive);
    await SEARCH.run(again.ctx, { ...TINY, resume: { results: done, elapsedMs: 1000 } });
    const fresh = live2.flatMap((l) => (l.kind === 'search-candidate' ? [l.candidate.key] : []));
    // Candidates 0 and 1 come from the checkpoint; only candidate 2 and the final retrain run.
    expect(fresh).toEqual(['search:0:2', expect.stringMatching(/^final:0:/)]);
  });

  it('never trains a candidate that breaks a hard constraint, and says when none is left', async () => {
    const run = fakeRun(input, { train, validation });
    const live: SearchLive[] = [];
    run.ctx.live = (item) => live.push(item as SearchLive);
    const e = await SEARCH.run(run.ctx, { ...TINY, constraints: { maxParams: 40_000, maxLatencyMs: 1e-6 } }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(BonsaiError);
    expect((e as BonsaiError).code).toBe('NO_CANDIDATE');
    const c = live.flatMap((l) => (l.kind === 'search-candidate' ? [l.candidate] : []));
    expect(c.length).toBe(3);
    expect(c.every((x) => x.status === 'rejected' && /ms > 0.000001 ms on this device/.test(x.reason!) && x.curve.length === 0)).toBe(true);
  });

  it('with a reference, times each candidate interleaved with it and caps latency relative to it', async () => {
    const run = fakeRun(input, { train, validation });
    const live: SearchLive[] = [];
    run.ctx.live = (item) => live.push(item as SearchLive);
    const e = await SEARCH.run(run.ctx, { ...TINY, reference: true, constraints: { maxParams: 40_000, maxLatencyVsReference: 1e-6 } }).catch((x: unknown) => x);
    expect((e as BonsaiError).code).toBe('NO_CANDIDATE');
    const start = live[0];
    const refMs = start.kind === 'search-start' ? start.reference!.latencyMs : NaN;
    const c = live.flatMap((l) => (l.kind === 'search-candidate' ? [l.candidate] : []));
    expect(c.length).toBe(3);
    for (const x of c) {
      expect(x.status).toBe('rejected');
      expect(x.reason).toMatch(/× the reference's latency > 0.000001× \(timed interleaved on this device\)/);
      expect(x.vsReference).toBeGreaterThan(0);
      expect(x.latencyMs).toBeCloseTo(x.vsReference! * refMs, 12);
    }
    const loose = fakeRun(input, { train, validation });
    const live2: SearchLive[] = [];
    loose.ctx.live = (item) => live2.push(item as SearchLive);
    const out = (await SEARCH.run(loose.ctx, { ...TINY, reference: true, constraints: { maxParams: 40_000, maxLatencyVsReference: 1e6 } })) as VariantOutput;
    const trained = live2.flatMap((l) => (l.kind === 'search-candidate' ? [l.candidate] : []));
    expect(trained.every((x) => x.status === 'trained' && x.vsReference! > 0)).toBe(true);
    expect(out.notes.join(' ')).toMatch(/× the reference's latency, every candidate timed interleaved with it/);
  });

  it('a latency cap relative to the reference needs the reference', async () => {
    const run = fakeRun(input, { train, validation });
    const e = await SEARCH.run(run.ctx, { ...TINY, reference: false, constraints: { maxParams: 40_000, maxLatencyVsReference: 0.5 } }).catch((x: unknown) => x);
    expect((e as BonsaiError).code).toBe('BAD_CONFIG');
    expect((e as BonsaiError).message).toMatch(/maxLatencyVsReference needs the open model as the reference/);
  });

  it('searches MLPs for vector data and compares with the reference', async () => {
    const ftrain = flatSplit(train);
    const fval = flatSplit(validation);
    const mlp = await loadedLayers(denseClassifier({ inputs: 784, hidden: [8], classes: 10, seed: 2 }));
    try {
      const run = fakeRun(mlp, { train: ftrain, validation: fval });
      const live: SearchLive[] = [];
      run.ctx.live = (item) => live.push(item as SearchLive);
      const out = (await SEARCH.run(run.ctx, { ...TINY, space: { widths: [8, 16] }, reference: true })) as VariantOutput;
      const start = live[0];
      expect(start.kind === 'search-start' && start.space.kind).toBe('vector');
      expect(start.kind === 'search-start' && start.reference?.latencyMs).toBeGreaterThan(0);
      expect(start.kind === 'search-start' && start.targetLatencyMs).toBeCloseTo((start as { reference: { latencyMs: number } }).reference.latencyMs / 2, 9);
      expect(out.notes.join(' ')).toMatch(/the reference .*: \d+\.\d\d%\)/);
    } finally {
      disposeLoaded(mlp);
      tf.dispose([ftrain.xs, fval.xs]);
    }
  });

  it('with 2 workers, random search trains the same candidates to the same accuracy as with 1, and says where they trained', async () => {
    // Accuracy alone: the MnasNet score would make the winner depend on timings.
    const cfg: SearchConfig = { ...TINY, strategy: { kind: 'random' }, budget: { candidates: 3, minutes: null }, retrainTop: 2, objective: { kind: 'accuracy' } };
    const runWith = async (workers: number) => {
      const run = fakeRun(input, { train, validation });
      const live: SearchLive[] = [];
      run.ctx.live = (item) => live.push(item as SearchLive);
      const out = (await SEARCH.run(run.ctx, { ...cfg, workers })) as VariantOutput;
      const records = live.flatMap((l) => (l.kind === 'search-candidate' ? [l.candidate] : []));
      return { out, records: records.map((r) => [r.key, r.archKey, r.valAccuracy, r.params]).sort() };
    };
    const one = await runWith(1);
    const two = await runWith(2);
    expect(two.records).toEqual(one.records);
    expect(two.out.files.map((f) => f.bytes)).toEqual(one.out.files.map((f) => f.bytes));
    expect(one.out.notes.join(' ')).toMatch(/Candidates trained in this worker, one at a time; every latency was timed with all training paused/);
    expect(two.out.notes.join(' ')).toMatch(/Candidates trained 2 at a time/);
  });

  it('cancels promptly and leaks nothing', async () => {
    const controller = new AbortController();
    const run = fakeRun(input, { train, validation }, { signal: controller.signal });
    run.ctx.live = (item) => {
      if ((item as SearchLive).kind === 'search-candidate') controller.abort();
    };
    const e = await SEARCH.run(run.ctx, TINY).catch((x: unknown) => x);
    expect(isAbortError(e)).toBe(true);
  });
});

it('a winner below the reference on validation is said so in points, with where the reference is', () => {
  const ref = { name: 'lenet-5', valAccuracy: 0.984 };
  const [note] = belowReference(0.9712, ref);
  expect(note).toContain('Less accurate than lenet-5: the winner is 1.28 pt below it on validation');
  expect(note).toContain('reopen it from the Library');
  expect(belowReference(0.984, ref)).toEqual([]);
  expect(belowReference(0.99, ref)).toEqual([]);
  expect(belowReference(null, ref)).toEqual([]);
  expect(belowReference(0.9, { name: 'x', valAccuracy: null })).toEqual([]);
  expect(belowReference(0.9, null)).toEqual([]);
});

it('the latency-table note counts the fresh architectures it predicted and says cuts were measured', () => {
  const rec = (kind: 'cut' | 'image') => ({ arch: kind === 'cut' ? { kind: 'cut', foldPooling: true, mergeDense: 0, ratio: 0 } : { kind: 'image' }, latencyMs: 1 }) as unknown as CandidateRecord;
  const [table, timed] = tableNotes([rec('cut'), rec('image'), rec('image'), rec('image')], 3, 0.95, 0.5, 12);
  expect(table).toBe('Latency table: Spearman ρ of predicted vs measured latency over 3 timed candidates (fresh architectures; the 1 cuts of the open model were measured, not predicted) = 0.950; FLOPs vs measured latency = 0.500 — FLOPs mislead on this device.');
  expect(timed).toBe('12 layer configurations timed in this run; the rest came from this device\'s cached table.');
  expect(tableNotes([rec('image')], 1, null, null, 3)[0]).toMatch(/over 1 timed candidates = not defined/);
  expect(tableNotes([rec('cut'), rec('cut')], 0, null, null, 0)).toEqual(['Latency table: not used — every candidate timed was a cut of the open model (2), and cuts are measured, not predicted.']);
});
