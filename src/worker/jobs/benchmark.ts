import * as tf from '@tensorflow/tfjs-core';
import { isAbortError } from '../../engine/errors';
import { benchmarkModel } from '../../engine/metrics/latency';
import { maxAbsDiff, predictFixed } from '../../engine/metrics/agreement';
import { CELL_BUDGET_MS, planBenchmark, remainingMs } from '../../engine/metrics/latency-plan/meta';
import type { LatencyResult } from '../../engine/metrics/latency-types';
import { disposeLoaded, loadPrepared } from '../../engine/model/load';
import type { LoadedModel, PreparedModel } from '../../engine/model/loaded';
import { switchBackend } from '../../backend/select';
import { deviceProfile } from '../../backend/profile';
import type { BackendName, DeviceProfile } from '../../backend/types';
import type { BenchmarkResult, BenchmarkSpec } from '../protocol';
import { getModel } from '../models';
import type { JobContext } from './context';

/**
 * Run `work` on a fresh copy of the model built on `backend`. The open model's weights never move
 * between backends: moving them back from WebGPU means slow synchronous GPU reads, and the copy's
 * first run honestly includes its weight upload and shader compilation.
 */
async function onBackend<T>(backend: BackendName, prepared: PreparedModel, work: (copy: LoadedModel) => Promise<T>): Promise<T> {
  await switchBackend(backend);
  const copy = await loadPrepared(prepared);
  try {
    return await work(copy);
  } finally {
    disposeLoaded(copy);
  }
}

/** Back to the backend the session was on; a failure is returned (and shown), never ignored. */
async function restoreBackend(before: string): Promise<string | undefined> {
  if (tf.getBackend() === before) return undefined;
  try {
    await switchBackend(before as BackendName);
    return undefined;
  } catch (e) {
    return `Switching back to ${before} after the benchmark failed (${e instanceof Error ? e.message : String(e)}): the engine now runs on ${tf.getBackend()}.`;
  }
}

/** The CPU reference run at the end, in the ETA (it is one cheap inference plus a model build). */
const AGREEMENT_CHECK_MS = 1_000;

/**
 * Latency of one model on each requested backend and batch size, on this device, and each
 * backend's output checked against the CPU backend's. Each cell has a time budget; progress is in
 * milliseconds (done = time spent, total = time spent + what the measured pace says is left), so
 * the ETA converges. A Cancel keeps the cells that finished (`cancelled` lists the rest). The
 * backend that was active before the job is restored afterwards, whatever happens.
 */
export async function runBenchmark(spec: BenchmarkSpec, ctx: JobContext): Promise<BenchmarkResult> {
  const { loaded, info } = getModel(spec.modelId);
  const { prepared } = loaded;
  const before = tf.getBackend() as BackendName;
  const budgetMs = spec.cellBudgetMs ?? CELL_BUDGET_MS;
  const samples = spec.samples ?? 30;
  const plan = planBenchmark({
    flops: info.summary.flops,
    backends: spec.backends,
    batchSizes: spec.batchSizes,
    samples,
    warmupRuns: spec.warmupRuns,
    cellBudgetMs: budgetMs,
    device: await deviceProfile(before).catch(() => undefined),
  }).cells;
  const runs: LatencyResult[] = [];
  const profiles: DeviceProfile[] = [];
  const outputs: { backend: BackendName; values: Float32Array }[] = [];
  const finished: { index: number; ms: number }[] = [];
  const jobStart = performance.now();
  const report = (phase: string, current: { index: number; started: number } | null, point?: { series: string; x: number; y: number }) => {
    const spent = performance.now() - jobStart;
    const left = remainingMs(plan, finished, current && { index: current.index, elapsedMs: performance.now() - current.started }, budgetMs) + AGREEMENT_CHECK_MS;
    ctx.progress(phase, spent, spent + left, point);
  };
  try {
    for (const backend of spec.backends) {
      await onBackend(backend, prepared, async (copy) => {
        const really = tf.getBackend() as BackendName;
        profiles.push(await deviceProfile(backend));
        for (const batchSize of spec.batchSizes) {
          const index = plan.findIndex((c) => c.backend === backend && c.batchSize === batchSize);
          const series = `${really} · batch ${batchSize}`;
          const started = performance.now();
          const result = await benchmarkModel(copy, {
            batchSize,
            samples,
            warmupRuns: spec.warmupRuns,
            budgetMs,
            signal: ctx.signal,
            onProgress: () => report(`Timing ${series}`, { index, started }),
          });
          runs.push({ ...result, backend: really });
          finished.push({ index, ms: performance.now() - started });
          report(`Timed ${series}`, null, { series, x: batchSize, y: result.medianMs });
        }
        // After timing, so the first timed run stays truly cold.
        outputs.push({ backend: really, values: await predictFixed(copy) });
      });
    }
    report('Checking outputs against the CPU backend', null);
    const reference = await onBackend('cpu', prepared, (copy) => predictFixed(copy));
    const agreement = outputs.map((o) => ({ backend: o.backend, maxAbsDiff: maxAbsDiff(o.values, reference) }));
    const restoreError = await restoreBackend(before);
    return { modelId: spec.modelId, runs, profiles, agreement, ...(restoreError ? { restoreError } : {}) };
  } catch (e) {
    const restoreError = await restoreBackend(before);
    // Cancelled after some cells finished: what was measured is kept and shown, marked as such.
    if (isAbortError(e) && runs.length > 0) {
      const done = new Set(finished.map((f) => f.index));
      const cells = plan.filter((_, i) => !done.has(i)).map(({ backend, batchSize }) => ({ backend, batchSize }));
      return { modelId: spec.modelId, runs, profiles, agreement: [], cancelled: { cells }, ...(restoreError ? { restoreError } : {}) };
    }
    throw e;
  }
}
