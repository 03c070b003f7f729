/// <reference lib="webworker" />
/**
 * The engine's message loop: one AbortController per job, an exhaustive switch on message type,
 * and every failure turned into a catalogued error. Models and tensors live here only.
 */
import '../backend/wasm-paths';
// tfjs-core alone does not add chained tensor methods (t.flatten()…), which tfjs-layers needs
// (e.g. the Orthogonal initializer of recurrent layers).
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import { initBackend, onDeviceLost, availableBackends } from '../backend/select';
import { registerWasmGradientKernels } from '../engine/kernels/register';
import { isAbortError, toErrorInfo } from '../engine/errors';
import type { FromWorker, JobId, JobResult, JobSpec, ToWorker } from './protocol';
import { createJobContext, type JobContext } from './jobs/context';
import { runImport } from './jobs/import';
import { runBenchmark } from './jobs/benchmark';
import { runLoadDataset } from './jobs/dataset';
import { runEvaluate } from './jobs/evaluate';
import { runTrain } from './jobs/train';
import { runOptimize } from './jobs/optimize';
import { runExport } from './jobs/export';
import { runSaveCandidate } from './jobs/save-candidate';
import { runImportExperiment } from './jobs/import-experiment';
import { runCompareLatency } from './jobs/compare-latency';
import { disposeModel, leaseModels, modelIdsIn } from './models';
import { disposeDatasetById } from './datasets';

declare const self: DedicatedWorkerGlobalScope;

const jobs = new Map<JobId, AbortController>();
/** Jobs wait for the backend: an import sent right after init must not race its start-up. */
let backendReady: Promise<unknown> = Promise.resolve();

function post(message: FromWorker): void {
  self.postMessage(message);
}

async function execute(spec: JobSpec, ctx: JobContext): Promise<JobResult> {
  switch (spec.kind) {
    case 'import':
      return { kind: 'import', model: await runImport(spec.source, spec.name, ctx) };
    case 'benchmark':
      return { kind: 'benchmark', result: await runBenchmark(spec.spec, ctx) };
    case 'load-dataset':
      return { kind: 'load-dataset', dataset: await runLoadDataset(spec.source, ctx) };
    case 'evaluate':
      return { kind: 'evaluate', evaluation: await runEvaluate(spec.modelId, spec.datasetId, spec.reference, ctx) };
    case 'train':
      return { kind: 'train', ...(await runTrain(spec.modelId, spec.datasetId, spec.config, spec.name, ctx)) };
    case 'optimize':
      return { kind: 'optimize', outputs: await runOptimize(spec, ctx) };
    case 'export':
      return { kind: 'export', ...runExport(spec.modelId, { compact: spec.compact }) };
    case 'compare-latency':
      return { kind: 'compare-latency', result: await runCompareLatency(spec.refs, spec.batchSize, ctx) };
    case 'import-experiment':
      return { kind: 'import-experiment', ...(await runImportExperiment(spec.models, ctx)) };
    case 'save-candidate':
      return { kind: 'save-candidate', output: await runSaveCandidate(spec, ctx) };
    default: {
      const never: never = spec;
      throw new Error(`Unknown job ${JSON.stringify(never)}`);
    }
  }
}

async function start(jobId: JobId, spec: JobSpec): Promise<void> {
  const controller = new AbortController();
  jobs.set(jobId, controller);
  // The UI may drop a model (another was opened) while a job on it runs: it is freed after the job.
  const release = leaseModels(modelIdsIn(spec));
  try {
    await backendReady;
    const result = await execute(spec, createJobContext(jobId, controller.signal, post));
    // A benchmark cancelled part-way returns what it finished (marked cancelled): that is kept.
    const partial = result.kind === 'benchmark' && result.result.cancelled !== undefined;
    if (controller.signal.aborted && !partial) post({ type: 'cancelled', jobId });
    else post({ type: 'result', jobId, result });
  } catch (e) {
    if (isAbortError(e) || controller.signal.aborted) post({ type: 'cancelled', jobId });
    else post({ type: 'error', jobId, error: toErrorInfo(e, 'JOB_FAILED') });
  } finally {
    release();
    jobs.delete(jobId);
  }
}

onDeviceLost((info) => post({ type: 'device-lost', message: info }));
// TF.js 4.22's WASM backend cannot train CNNs without these (DESIGN.md §5).
registerWasmGradientKernels();

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  switch (message.type) {
    case 'init':
      backendReady = backendReady.then(async () => {
        try {
          const device = await initBackend(message.backend);
          post({ type: 'ready', device, available: await availableBackends() });
        } catch (e) {
          post({ type: 'error', jobId: null, error: toErrorInfo(e, 'BACKEND_UNAVAILABLE') });
        }
      });
      break;
    case 'start':
      void start(message.jobId, message.spec);
      break;
    case 'cancel':
      jobs.get(message.jobId)?.abort();
      break;
    case 'dispose-model':
      disposeModel(message.modelId);
      break;
    case 'dispose-dataset':
      disposeDatasetById(message.datasetId);
      break;
    case 'hold-life-lock':
      // Never released by the worker: the browser releases it when this worker's thread ends.
      // Without Web Locks (an insecure context) the page keeps only its no-progress watchdog.
      void navigator.locks?.request(message.name, () => {
        post({ type: 'life-lock-held', name: message.name });
        return new Promise<never>(() => {});
      });
      break;
    default: {
      const never: never = message;
      post({ type: 'error', jobId: null, error: { code: 'INTERNAL', message: `Unknown message ${JSON.stringify(never)}` } });
    }
  }
};

self.addEventListener('unhandledrejection', (event) => {
  post({ type: 'error', jobId: null, error: toErrorInfo(event.reason) });
});
