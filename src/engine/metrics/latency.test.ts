import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { BonsaiError, isAbortError } from '../errors';
import { describeEachBackend } from '../test-utils/backends';
import { loadedGraph, loadedLayers, opNode, placeholder } from '../test-utils/model-fixtures';
import { benchmarkModel, MAX_K, measureLatency, percentile } from './latency';
import { MIN_BUDGET_SAMPLES } from './latency-plan/meta';

/** A fake clock and a run whose duration (ms) is chosen per call. */
function fakeRun(duration: (call: number) => number) {
  let t = 0;
  let calls = 0;
  return {
    now: () => t,
    runOnce: async () => {
      t += duration(calls++);
    },
    calls: () => calls,
  };
}

describe('percentile (nearest rank)', () => {
  it('returns sorted[ceil(p/100·n) − 1]', () => {
    const oneToTen = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1];
    expect(percentile(oneToTen, 50)).toBe(5);
    expect(percentile(oneToTen, 90)).toBe(9);
    expect(percentile(oneToTen, 91)).toBe(10);
    expect(percentile(oneToTen, 100)).toBe(10);
    expect(percentile(oneToTen, 0)).toBe(1);
    expect(percentile([5, 1, 3], 50)).toBe(3);
    expect(oneToTen[0]).toBe(10); // input not mutated
  });

  it('refuses an empty list or a p outside [0, 100]', () => {
    expect(() => percentile([], 50)).toThrow(/must not be empty/);
    expect(() => percentile([1], 101)).toThrow(/p must be in/);
  });
});

describe('measureLatency protocol (fake clock)', () => {
  it('times the cold run alone, warms up, doubles K until a sample lasts ≥ 2 ms', async () => {
    // Cold run 50 ms, then 0.25 ms per run: K = 1, 2, 4 last 0.25, 0.5, 1 ms; K = 8 lasts 2 ms.
    const f = fakeRun((call) => (call === 0 ? 50 : 0.25));
    const r = await measureLatency(f.runOnce, { now: f.now });
    expect(r.coldMs).toBe(50);
    expect(r.k).toBe(8);
    expect(r.warmupRuns).toBe(10);
    expect(r.samplesMs).toHaveLength(30);
    expect(r.samplesMs.every((s) => s === 0.25)).toBe(true);
    expect(r.medianMs).toBe(0.25);
    expect(r.p90Ms).toBe(0.25);
    // cold + warm-up + calibration (1 + 2 + 4 + 8) + 30 samples × K.
    expect(f.calls()).toBe(1 + 10 + 15 + 30 * 8);
  });

  it('median and p90 are exact nearest-rank values of the per-inference samples', async () => {
    // Samples (K = 1, since one run already lasts ≥ 2 ms) take a shuffled 3…32 ms.
    const sampleMs = Array.from({ length: 30 }, (_, i) => 3 + ((i * 7) % 30));
    const f = fakeRun((call) => {
      if (call === 0) return 100; // cold
      if (call <= 4) return 5; // 3 warm-ups + 1 calibration run
      return sampleMs[call - 5];
    });
    const r = await measureLatency(f.runOnce, { now: f.now, warmupRuns: 3 });
    expect(r.k).toBe(1);
    expect(r.coldMs).toBe(100);
    expect(r.samplesMs).toEqual(sampleMs);
    expect(r.medianMs).toBe(17); // 15th of 3…32
    expect(r.p90Ms).toBe(29); // 27th of 3…32
  });

  it('divides each sample by K', async () => {
    // Runs alternate 0.5 and 1.5 ms: K = 2 lasts 2 ms, so every sample is 1 ms per inference.
    const f = fakeRun((call) => (call % 2 === 0 ? 0.5 : 1.5));
    const r = await measureLatency(f.runOnce, { now: f.now, warmupRuns: 0 });
    expect(r.k).toBe(2);
    expect(r.samplesMs.every((s) => s === 1)).toBe(true);
  });

  it('caps K when a run takes no measurable time', async () => {
    const f = fakeRun(() => 0);
    const r = await measureLatency(f.runOnce, { now: f.now, samples: 2, allowFewSamples: true, warmupRuns: 0 });
    expect(r.k).toBe(MAX_K);
    expect(r.samplesMs).toEqual([0, 0]);
  });

  it('takes at least 30 samples unless told otherwise', async () => {
    const f = fakeRun(() => 4);
    expect((await measureLatency(f.runOnce, { now: f.now, samples: 5, warmupRuns: 0 })).samplesMs).toHaveLength(30);
    expect((await measureLatency(f.runOnce, { now: f.now, samples: 40, warmupRuns: 0 })).samplesMs).toHaveLength(40);
    const few = await measureLatency(f.runOnce, { now: f.now, samples: 5, allowFewSamples: true, warmupRuns: 0 });
    expect(few.samplesMs).toHaveLength(5);
  });

  it('a time budget ends warm-up at a quarter and sampling at the whole budget, and says so', async () => {
    // 100 ms per run, 1 s budget: warm-up stops after 250 ms, sampling after 1 s (of 30 samples).
    const f = fakeRun(() => 100);
    const seen: [number, number][] = [];
    const r = await measureLatency(f.runOnce, { now: f.now, budgetMs: 1000, onProgress: (d, t) => seen.push([d, t]) });
    expect(r.warmupRuns).toBeLessThan(10);
    expect(r.samplesMs.length).toBeLessThan(30);
    expect(r.samplesMs.length).toBeGreaterThanOrEqual(MIN_BUDGET_SAMPLES);
    expect(r.requestedSamples).toBe(30);
    expect(r.cutByBudget).toEqual({ budgetMs: 1000 });
    expect(seen[seen.length - 1][0]).toBe(seen[seen.length - 1][1]); // progress still ends at total
  });

  it('a budget never leaves fewer than MIN_BUDGET_SAMPLES samples', async () => {
    const f = fakeRun(() => 500);
    const r = await measureLatency(f.runOnce, { now: f.now, budgetMs: 10 });
    expect(r.samplesMs).toHaveLength(MIN_BUDGET_SAMPLES);
    expect(r.warmupRuns).toBe(0);
  });

  it('a budget that is not reached changes nothing', async () => {
    const f = fakeRun(() => 4);
    const r = await measureLatency(f.runOnce, { now: f.now, budgetMs: 60_000 });
    expect(r.samplesMs).toHaveLength(30);
    expect(r.warmupRuns).toBe(10);
    expect(r.cutByBudget).toBeUndefined();
  });

  it('reports progress throttled, monotonic, ending at total', async () => {
    const f = fakeRun(() => 4);
    const seen: [number, number][] = [];
    await measureLatency(f.runOnce, { now: f.now, onProgress: (d, t) => seen.push([d, t]) });
    const total = 1 + 10 + 30;
    expect(seen[0]).toEqual([1, total]);
    expect(seen[seen.length - 1]).toEqual([total, total]);
    for (let i = 1; i < seen.length; i++) expect(seen[i][0]).toBeGreaterThan(seen[i - 1][0]);
    // 4 ms per run, one report per 100 ms at most: far fewer reports than runs.
    expect(seen.length).toBeLessThan(10);
  });

  it('an abort mid-run rejects with AbortError and stops running', async () => {
    const controller = new AbortController();
    const f = fakeRun((call) => {
      if (call === 20) controller.abort();
      return 4;
    });
    const err = await measureLatency(f.runOnce, { now: f.now, signal: controller.signal }).catch((e: unknown) => e);
    expect(isAbortError(err)).toBe(true);
    expect(f.calls()).toBe(21);
  });

  it('an already aborted signal runs nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    const f = fakeRun(() => 4);
    await expect(measureLatency(f.runOnce, { now: f.now, signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(f.calls()).toBe(0);
  });
});

function tinyDense(): tfl.Sequential {
  return tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [8], units: 4, activation: 'relu' }), tfl.layers.dense({ units: 2 })] });
}

function expectWellFormed(r: Awaited<ReturnType<typeof benchmarkModel>>, batchSize: number, warmupRuns: number) {
  // Structure and positivity only: timings are never asserted (shared, noisy machines).
  expect(r.batchSize).toBe(batchSize);
  expect(r.warmupRuns).toBe(warmupRuns);
  expect(Number.isInteger(r.k) && r.k >= 1 && r.k <= MAX_K).toBe(true);
  expect(r.samplesMs).toHaveLength(30);
  expect(r.samplesMs.every((s) => Number.isFinite(s) && s > 0)).toBe(true);
  expect(r.coldMs).toBeGreaterThanOrEqual(0);
  expect(r.medianMs).toBeGreaterThan(0);
  expect(r.p90Ms).toBeGreaterThanOrEqual(r.medianMs);
}

describeEachBackend('benchmarkModel', () => {
  it('times a tiny LayersModel with read-back and leaks nothing', async () => {
    const model = tinyDense();
    const r = await benchmarkModel(await loadedLayers(model), { batchSize: 4, warmupRuns: 2 });
    expectWellFormed(r, 4, 2);
    model.dispose();
  });

  it('feeds one tensor per input of a multi-input model', async () => {
    const a = tfl.input({ shape: [3], name: 'a' });
    const b = tfl.input({ shape: [2], name: 'b' });
    const cat = tfl.layers.concatenate().apply([a, b]) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: [a, b], outputs: tfl.layers.dense({ units: 1 }).apply(cat) as tfl.SymbolicTensor });
    expectWellFormed(await benchmarkModel(await loadedLayers(model), { batchSize: 2, warmupRuns: 1 }), 2, 1);
    model.dispose();
  });

  it('times a GraphModel', async () => {
    const loaded = await loadedGraph(
      [placeholder('x', [-1, 3]), opNode('mm', 'MatMul', ['x', 'w']), opNode('out', 'Relu', ['mm'])],
      [{ name: 'w', shape: [3, 2], values: [1, 2, 3, 4, 5, 6] }],
    );
    expectWellFormed(await benchmarkModel(loaded, { batchSize: 1, warmupRuns: 1 }), 1, 1);
    loaded.model.dispose();
  });

  it('refuses a free non-batch input dimension with WRONG_INPUT_SHAPE', async () => {
    const model = tfl.sequential({ layers: [tfl.layers.conv2d({ inputShape: [null, null, 3], filters: 1, kernelSize: 1 })] });
    const err = await benchmarkModel(await loadedLayers(model), { batchSize: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BonsaiError);
    expect((err as BonsaiError).code).toBe('WRONG_INPUT_SHAPE');
    expect((err as BonsaiError).message).toMatch(/position 1/);
    model.dispose();
  });

  it('an abort mid-benchmark rejects with AbortError and disposes every tensor', async () => {
    const model = tinyDense();
    const controller = new AbortController();
    const before = tf.memory().numTensors;
    const err = await benchmarkModel(await loadedLayers(model), {
      batchSize: 8,
      signal: controller.signal,
      onProgress: () => controller.abort(), // first report comes right after the cold run
    }).catch((e: unknown) => e);
    expect(isAbortError(err)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('a LayersModel predicts the whole batch at once, not in Keras\' default batches of 32', async () => {
    const model = tinyDense();
    const loaded = await loadedLayers(model);
    const predict = model.predict.bind(model);
    const seen: (number | undefined)[] = [];
    model.predict = (x, args) => {
      seen.push(args?.batchSize);
      return predict(x, args);
    };
    const before = tf.memory().numTensors;
    await benchmarkModel(loaded, { batchSize: 64, samples: 2, warmupRuns: 1, allowFewSamples: true, minSampleMs: 0 });
    expect(seen.length).toBeGreaterThan(0);
    expect(new Set(seen)).toEqual(new Set([64]));
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('an error thrown by an inference disposes the inputs too', async () => {
    const model = tinyDense();
    const loaded = await loadedLayers(model);
    const predict = model.predict.bind(model);
    let calls = 0;
    model.predict = (x, args) => {
      if (++calls === 3) throw new Error('boom');
      return predict(x, args);
    };
    await expect(benchmarkModel(loaded, { batchSize: 2 })).rejects.toThrow('boom');
    model.dispose();
  });
});
