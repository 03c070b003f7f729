/**
 * Issue 13, memory: 50 mixed jobs (import, optimize, benchmark, and each cancelled part-way) through
 * the worker's own job functions, as the message loop runs them (a lease on the models a job names,
 * the UI dropping what it no longer shows). Afterwards the tensor count is back at its start, and
 * the engine's memory over the last 20 jobs stays within 5% of where it was at job 30.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { isAbortError } from '../../engine/errors';
import { describeEachBackend } from '../../engine/test-utils/backends';
import { disposeModel, leaseModels, loadedModelCount, modelIdsIn } from '../models';
import type { FromWorker, JobResult, JobSpec } from '../protocol';
import { createJobContext } from './context';
import { runBenchmark } from './benchmark';
import { runImport } from './import';
import { runOptimize } from './optimize';

const SAMPLE = 'public/samples/lenet-300-100';
const sampleFiles = () => [
  { path: 'model.json', bytes: new Uint8Array(readFileSync(`${SAMPLE}/model.json`)) },
  { path: 'group1-shard1of1.bin', bytes: new Uint8Array(readFileSync(`${SAMPLE}/group1-shard1of1.bin`)) },
];

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

/** Bytes the backend holds for tensors plus, on wasm, the size of its linear memory. */
function engineBytes(): { tensorBytes: number; heapBytes: number } {
  const backend = tf.backend() as unknown as { wasm?: { HEAPU8: Uint8Array } };
  return { tensorBytes: tf.memory().numBytes, heapBytes: backend.wasm?.HEAPU8.byteLength ?? 0 };
}

describeEachBackend('50 mixed jobs leave the engine as they found it', (backend) => {
  it('tensor count back to its start; memory flat within 5% over the last 20 jobs', async () => {
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
    for (let i = 0; i < 50; i++) {
      const step = i % 6;
      const cancel = step === 1 || step === 4 || step === 5;
      let spec: JobSpec;
      if (step === 0 || step === 5 || !open) spec = { kind: 'import', source: { kind: 'files', files: sampleFiles(), via: 'picked' } };
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

    // Every kind of job ran, and each kind was also cancelled part-way.
    for (const kind of ['import', 'optimize', 'benchmark']) {
      expect(outcomes[kind], `${kind} completed`).toBeGreaterThan(0);
      expect(outcomes[`${kind} cancelled`], `${kind} cancelled part-way`).toBeGreaterThan(0);
    }
    expect(loadedModelCount()).toBe(startModels);
    expect(tf.memory().numTensors).toBe(startTensors);
    const base = samples[29];
    for (const s of samples.slice(30)) {
      expect(s.tensorBytes, 'tensor bytes over the last 20 jobs').toBeLessThanOrEqual(base.tensorBytes * 1.05);
      expect(s.heapBytes, 'wasm memory over the last 20 jobs').toBeLessThanOrEqual(base.heapBytes * 1.05);
    }
    const mb = (n: number) => `${(n / 2 ** 20).toFixed(2)} MiB`;
    console.log(`50 jobs ${JSON.stringify(outcomes)}: tensors ${startTensors} → ${tf.memory().numTensors}; `
      + `after jobs 1/30/50: tensor bytes ${[0, 29, 49].map((j) => mb(samples[j].tensorBytes)).join(' / ')}, wasm memory ${[0, 29, 49].map((j) => mb(samples[j].heapBytes)).join(' / ')}`);
  }, 120_000);
  // cpu: the same jobs take ~90 s there on these 2 shared cores, and cpu has no linear memory to grow;
  // its tensor bookkeeping is the same engine code the wasm run checks.
}, { skipOn: ['cpu'] });
