import * as tf from '@tensorflow/tfjs-core';
import { benchmarkModel } from '../../engine/metrics/latency';
import { maxAbsDiff, predictFixed } from '../../engine/metrics/agreement';
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

/**
 * Latency of one model on each requested backend and batch size, on this device, and each
 * backend's output checked against the CPU backend's. The backend that was active before the job
 * is restored afterwards, whatever happens.
 */
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

export async function runBenchmark(spec: BenchmarkSpec, ctx: JobContext): Promise<BenchmarkResult> {
  const { prepared } = getModel(spec.modelId).loaded;
  const before = tf.getBackend() as BackendName;
  const runs: LatencyResult[] = [];
  const profiles: DeviceProfile[] = [];
  const outputs: { backend: BackendName; values: Float32Array }[] = [];
  const total = spec.backends.length * spec.batchSizes.length + 1;
  try {
    for (const backend of spec.backends) {
      await onBackend(backend, prepared, async (copy) => {
        const really = tf.getBackend() as BackendName;
        profiles.push(await deviceProfile(backend));
        for (const batchSize of spec.batchSizes) {
          const index = runs.length;
          const series = `${really} · batch ${batchSize}`;
          const result = await benchmarkModel(copy, {
            batchSize,
            samples: spec.samples,
            warmupRuns: spec.warmupRuns,
            signal: ctx.signal,
            onProgress: (done, of) => ctx.progress(`Timing ${series}`, index + done / of, total),
          });
          runs.push({ ...result, backend: really });
          ctx.progress(`Timed ${series}`, index + 1, total, { series, x: batchSize, y: result.medianMs });
        }
        // After timing, so the first timed run stays truly cold.
        outputs.push({ backend: really, values: await predictFixed(copy) });
      });
    }
    ctx.progress('Checking outputs against the CPU backend', total - 1, total);
    const reference = await onBackend('cpu', prepared, (copy) => predictFixed(copy));
    const agreement = outputs.map((o) => ({ backend: o.backend, maxAbsDiff: maxAbsDiff(o.values, reference) }));
    const restoreError = await restoreBackend(before);
    return { modelId: spec.modelId, runs, profiles, agreement, ...(restoreError ? { restoreError } : {}) };
  } catch (e) {
    await restoreBackend(before);
    throw e;
  }
}
