/**
 * Mixed engine jobs for the memory check of issue 13 (src/worker/jobs/memory.test.ts): imports,
 * quantizations and benchmarks through the worker's own job functions, as its message loop runs
 * them (a lease on the models a job names, the UI dropping what it no longer shows), each kind
 * also cancelled part-way. Records the engine's memory after every job.
 */
import * as tf from '@tensorflow/tfjs-core';
import { isAbortError } from '../../../engine/errors';
import { sampleFiles } from '../../../engine/model/compact/test-utils/stock';
import { disposeModel, leaseModels, loadedModelCount, modelIdsIn } from '../../models';
import type { FromWorker, JobResult, JobSpec } from '../../protocol';
import { createJobContext } from '../context';
import { runBenchmark } from '../benchmark';
import { runImport } from '../import';
import { runOptimize } from '../optimize';

let nextJob = 1;
/** One job as engine.worker's `start` runs it; `cancelAfter` aborts it at its n-th progress message. */
async function run(spec: JobSpec, cancelAfter?: number): Promise<JobResult | 'cancelled'> {
  const controller = new AbortController();
  let messages = 0;
  const post = (m: FromWorker) => {
    if (m.type === 'progress' && cancelAfter !== undefined && ++messages >= cancelAfter) controller.abort();
  };
  const ctx = createJobContext(`m${nextJob++}`, controller.signal, post);
  const release = leaseModels(modelIdsIn(spec));
  try {
    if (spec.kind === 'import') return { kind: 'import', model: await runImport(spec.source, spec.name, ctx) };
    if (spec.kind === 'optimize') return { kind: 'optimize', outputs: await runOptimize(spec, ctx) };
    if (spec.kind === 'benchmark') {
      const result = await runBenchmark(spec.spec, ctx);
      return result.cancelled ? 'cancelled' : { kind: 'benchmark', result };
    }
    throw new Error(`memory test: no ${spec.kind} jobs here`);
  } catch (e) {
    if (isAbortError(e) || controller.signal.aborted) return 'cancelled';
    throw e;
  } finally {
    release();
  }
}

/** Tensors and the bytes the backend holds for them plus, on wasm, the size of its linear memory. */
function engineBytes(): { tensors: number; tensorBytes: number; heapBytes: number } {
  const backend = tf.backend() as unknown as { wasm?: { HEAPU8: Uint8Array } };
  return { tensors: tf.memory().numTensors, tensorBytes: tf.memory().numBytes, heapBytes: backend.wasm?.HEAPU8.byteLength ?? 0 };
}

export interface MixedJobsReport {
  jobs: number;
  /** "import", "import cancelled", … */
  outcomes: Record<string, number>;
  startTensors: number;
  endTensors: number;
  modelsLeftOpen: number;
  /** After each job. */
  samples: ReturnType<typeof engineBytes>[];
  /** Largest tensor bytes / wasm memory over the last 20 jobs, relative to after job count − 20 (1 = flat). */
  tensorBytesGrowth: number;
  heapGrowth: number;
}

export async function runMixedJobs(backend: 'cpu' | 'wasm', count = 50): Promise<MixedJobsReport> {
  const startTensors = tf.memory().numTensors;
  const startModels = loadedModelCount();
  const samples: ReturnType<typeof engineBytes>[] = [];
  let open: string | undefined;
  const adopt = (id: string | undefined) => {
    // The UI keeps one model open: opening another drops the previous one.
    if (open && open !== id) disposeModel(open);
    open = id;
  };
  const outcomes: Record<string, number> = {};
  const benchmark = (modelId: string): JobSpec => ({ kind: 'benchmark', spec: { modelId, backends: [backend], batchSizes: [1], samples: 30, warmupRuns: 2, cellBudgetMs: 200 } });
  const quantize = (modelId: string): JobSpec => ({ kind: 'optimize', modelId, steps: [{ technique: 'quantize', config: { method: 'ptq', default: 'uint8' } }] });

  // A cycle of six: import, quantize cancelled, quantize (its variant becomes the open model),
  // benchmark, benchmark cancelled, import cancelled. (A quantized model is not quantized again.)
  for (let i = 0; i < count; i++) {
    const step = i % 6;
    const cancel = step === 1 || step === 4 || step === 5;
    let spec: JobSpec;
    if (step === 0 || step === 5 || !open) spec = { kind: 'import', source: { kind: 'files', files: sampleFiles('lenet-300-100'), via: 'picked' } };
    else if (step === 1 || step === 2) spec = quantize(open);
    else spec = benchmark(open);
    const result = await run(spec, cancel ? 2 : undefined);
    const label = `${spec.kind}${result === 'cancelled' ? ' cancelled' : ''}`;
    outcomes[label] = (outcomes[label] ?? 0) + 1;
    if (result !== 'cancelled' && result.kind === 'import') adopt(result.model.id);
    if (result !== 'cancelled' && result.kind === 'optimize') adopt(result.outputs.flatMap((o) => (o.kind === 'variant' && o.model ? [o.model.id] : []))[0] ?? open);
    samples.push(engineBytes());
  }
  adopt(undefined);
  const base = samples[Math.max(0, count - 21)];
  const last = samples.slice(Math.max(0, count - 20));
  const growth = (pick: (s: (typeof samples)[number]) => number) => (pick(base) > 0 ? Math.max(...last.map(pick)) / pick(base) : 1);
  return {
    jobs: count, outcomes, startTensors, endTensors: tf.memory().numTensors, modelsLeftOpen: loadedModelCount() - startModels, samples,
    tensorBytesGrowth: growth((s) => s.tensorBytes), heapGrowth: growth((s) => s.heapBytes),
  };
}
