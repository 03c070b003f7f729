/**
 * The latency protocol of BENCHMARKS.md as a pure function with an injected clock:
 *   1. the first run is timed alone (cold: shader compile, weight upload);
 *   2. `warmupRuns` untimed runs;
 *   3. K is chosen by doubling (1, 2, 4, …, MAX_K) until K back-to-back runs last ≥ minSampleMs,
 *      so timer resolution (often 0.1 ms or coarser in browsers) stays small against a sample;
 *   4. ≥ 30 samples, each timing K back-to-back runs; per-inference time = sample ÷ K.
 * With a time budget (`budgetMs`), a cell that would run on and on stops early instead: warm-up
 * ends once a quarter of the budget is spent, and sampling once all of it is (keeping at least
 * MIN_BUDGET_SAMPLES). Fewer than 30 samples are then reported as such (`cutByBudget`), never hidden.
 * Between samples the loop yields a real macrotask and checks the signal, so Cancel lands within
 * one sample (≥ minSampleMs, or one inference when a single one is slower).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LoadedModel } from '../model/loaded';
import { checkpoint, throwIfAborted } from '../runtime/yield';
import { asPredictArg, makeInputs, resultTensors } from './inputs';
import type { LatencyResult } from './latency-types';
import { MIN_BUDGET_SAMPLES } from './latency-plan/meta';

export const MIN_SAMPLES = 30;
export const MAX_K = 1024;
/** Progress is reported at most this often (the worker protocol throttles to ~10 Hz). */
const PROGRESS_INTERVAL_MS = 100;

export interface MeasureOptions {
  /** Untimed runs after the cold run (default 10). */
  warmupRuns?: number;
  /** Timed samples (default and minimum 30; fewer only with `allowFewSamples`). */
  samples?: number;
  /** Let tests use fewer than 30 samples. */
  allowFewSamples?: boolean;
  /** Shortest acceptable sample, in ms (default 2). */
  minSampleMs?: number;
  /** Time budget for the whole measurement, ms: past it, fewer samples are taken (and stated). */
  budgetMs?: number;
  /** Clock in ms (default `performance.now`). */
  now?: () => number;
  signal?: AbortSignal;
  /** Runs done (cold + warm-up + samples) of the total; K calibration is not counted. */
  onProgress?: (done: number, total: number) => void;
}

export interface LatencyMeasurement {
  coldMs: number;
  /** Per-inference time of each sample, in the order measured. */
  samplesMs: number[];
  medianMs: number;
  p90Ms: number;
  k: number;
  warmupRuns: number;
  /** Samples asked for; `samplesMs.length` is smaller only when the budget cut the run short. */
  requestedSamples: number;
  /** Set when the time budget ended warm-up or sampling early. */
  cutByBudget?: { budgetMs: number };
}

/**
 * Nearest-rank percentile: the smallest value with at least p% of the values ≤ it, i.e.
 * sorted[ceil(p/100 · n) − 1]. Always one of the measured values (no interpolation); the median
 * of an even count is the lower middle value. p = 0 gives the minimum.
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error('Error in percentile: values must not be empty.');
  if (!(p >= 0 && p <= 100)) throw new Error(`Error in percentile: p must be in [0, 100], but got ${p}.`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

export async function measureLatency(runOnce: () => Promise<void>, opts: MeasureOptions = {}): Promise<LatencyMeasurement> {
  const now = opts.now ?? (() => performance.now());
  const warmupRuns = Math.max(0, Math.floor(opts.warmupRuns ?? 10));
  const requested = Math.floor(opts.samples ?? MIN_SAMPLES);
  const samples = opts.allowFewSamples ? Math.max(1, requested) : Math.max(MIN_SAMPLES, requested);
  const minSampleMs = opts.minSampleMs ?? 2;
  const { signal, onProgress } = opts;
  const budgetMs = opts.budgetMs ?? Infinity;
  const startedAt = now();
  const overBudget = (share: number) => now() - startedAt > budgetMs * share;
  let cut = false;

  const total = 1 + warmupRuns + samples;
  let done = 0;
  let lastReport = -Infinity;
  const progress = (force = false) => {
    if (!onProgress) return;
    const t = now();
    if (force || t - lastReport >= PROGRESS_INTERVAL_MS) {
      lastReport = t;
      onProgress(done, total);
    }
  };
  const timeRuns = async (k: number): Promise<number> => {
    const start = now();
    for (let i = 0; i < k; i++) await runOnce();
    return now() - start;
  };

  throwIfAborted(signal);
  const coldMs = await timeRuns(1);
  done = 1;
  progress(true);
  await checkpoint(signal);

  let warmedUp = 0;
  for (let i = 0; i < warmupRuns; i++) {
    if (overBudget(0.25)) {
      cut = true;
      done += warmupRuns - i;
      break;
    }
    await runOnce();
    warmedUp++;
    done++;
    progress();
    await checkpoint(signal);
  }

  let k = 1;
  while (k < MAX_K && (await timeRuns(k)) < minSampleMs) {
    k *= 2;
    await checkpoint(signal);
  }
  await checkpoint(signal);

  const samplesMs: number[] = [];
  for (let i = 0; i < samples; i++) {
    if (i >= Math.min(samples, MIN_BUDGET_SAMPLES) && overBudget(1)) {
      cut = true;
      done = total;
      progress(true);
      break;
    }
    samplesMs.push((await timeRuns(k)) / k);
    done++;
    progress(i === samples - 1);
    await checkpoint(signal);
  }

  return {
    coldMs,
    samplesMs,
    medianMs: percentile(samplesMs, 50),
    p90Ms: percentile(samplesMs, 90),
    k,
    warmupRuns: warmedUp,
    requestedSamples: samples,
    ...(cut ? { cutByBudget: { budgetMs } } : {}),
  };
}

export interface BenchmarkOptions {
  batchSize: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  samples?: number;
  warmupRuns?: number;
  now?: () => number;
  /** Shortest acceptable sample, in ms (default 2). */
  minSampleMs?: number;
  /** Let tests use fewer than 30 samples. */
  allowFewSamples?: boolean;
  /** Time budget for this cell, ms (see measureLatency). */
  budgetMs?: number;
}

/**
 * One inference on a seeded random input of the model's shape at `batchSize`, including the
 * read-back of every output (`await data()`). `dispose` frees the input tensors.
 *
 * A LayersModel predicts the whole batch at once (`predict(x, {batchSize})`): Keras' default of 32
 * would time "batch 256" as 8 sequential batches of 32 plus a slice and a concat, which on wasm cost
 * more than LeNet-5's own convolutions and hid most of a smaller model's speed-up.
 */
export function inferenceRunner(loaded: LoadedModel, batchSize: number, operation = 'benchmarkModel'): { runOnce: () => Promise<void>; dispose: () => void } {
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) {
    throw new Error(`Error in ${operation}: batchSize must be a positive integer, but got ${batchSize}.`);
  }
  const inputs = makeInputs(loaded, batchSize, 'random', operation);
  const arg = asPredictArg(inputs);
  // Graphs with control flow cannot run synchronously: after the first such failure, use the async path.
  let graphAsync = false;
  const infer = async (): Promise<tf.Tensor | tf.Tensor[] | tf.NamedTensorMap> => {
    if (loaded.format === 'layers') return loaded.model.predict(arg, { batchSize });
    if (!graphAsync) {
      try {
        return loaded.model.predict(arg);
      } catch (e) {
        if (!/executeAsync|predictAsync|dynamic/i.test(String((e as Error)?.message))) throw e;
        graphAsync = true;
      }
    }
    return loaded.model.predictAsync(arg);
  };
  const runOnce = async () => {
    const outputs = resultTensors(await infer());
    try {
      await Promise.all(outputs.map((t) => t.data()));
    } finally {
      tf.dispose(outputs);
    }
  };
  return { runOnce, dispose: () => tf.dispose(inputs) };
}

/**
 * Latency of `predict` on a seeded random input of the model's shape at `batchSize`, each inference
 * including the read-back of every output (`await data()`). Every tensor is disposed on every path.
 */
export async function benchmarkModel(loaded: LoadedModel, opts: BenchmarkOptions): Promise<Omit<LatencyResult, 'backend'>> {
  throwIfAborted(opts.signal);
  const runner = inferenceRunner(loaded, opts.batchSize);
  try {
    const m = await measureLatency(runner.runOnce, {
      warmupRuns: opts.warmupRuns,
      samples: opts.samples,
      allowFewSamples: opts.allowFewSamples,
      minSampleMs: opts.minSampleMs,
      budgetMs: opts.budgetMs,
      now: opts.now,
      signal: opts.signal,
      onProgress: opts.onProgress,
    });
    return { batchSize: opts.batchSize, ...m };
  } finally {
    runner.dispose();
  }
}
