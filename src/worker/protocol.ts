/**
 * The typed message protocol between the main thread (EngineClient) and engine.worker.
 * Types only: importable from both sides without pulling in TF.js.
 */
import type { ErrorInfo, Warning } from '../engine/errors';
import type { InputFile, ModelFormat, ModelSummary } from '../engine/model/types';
import type { LatencyResult } from '../engine/metrics/latency-types';
import type { DeviceProfile, BackendName } from '../backend/types';

export type JobId = string;
export type ModelId = string;
export type BackendChoice = 'auto' | BackendName;

export type ModelSource =
  | { kind: 'sample'; sampleId: string }
  | { kind: 'url'; url: string }
  | { kind: 'files'; files: InputFile[] }
  | { kind: 'library'; libraryId: string };

/** What the UI knows about a loaded model: plain data only, the tensors stay in the worker. */
export interface ModelInfo {
  id: ModelId;
  name: string;
  format: ModelFormat;
  source: { kind: ModelSource['kind']; label: string };
  summary: ModelSummary;
  warnings: Warning[];
  /** Id in the IndexedDB library, when saved. */
  libraryId?: string;
  /** Set when the library could not store it (full or denied): the model still works. */
  storageError?: ErrorInfo;
}

export interface BenchmarkSpec {
  modelId: ModelId;
  backends: BackendName[];
  batchSizes: number[];
  /** Timed samples per (backend, batch); BENCHMARKS.md asks for at least 30. */
  samples?: number;
  warmupRuns?: number;
}

export interface BenchmarkResult {
  modelId: ModelId;
  runs: LatencyResult[];
  /** The profile of every backend that really ran. */
  profiles: DeviceProfile[];
  /** Each backend's output on a fixed input against the CPU backend's: max |difference|. */
  agreement: { backend: BackendName; maxAbsDiff: number }[];
}

export type JobSpec =
  | { kind: 'import'; source: ModelSource; name?: string }
  | { kind: 'benchmark'; spec: BenchmarkSpec };

export type JobResult =
  | { kind: 'import'; model: ModelInfo }
  | { kind: 'benchmark'; result: BenchmarkResult };

export interface MetricPoint {
  /** Free-form series name, e.g. "wasm · batch 1". */
  series: string;
  x: number;
  y: number;
}

export type ToWorker =
  | { type: 'init'; backend: BackendChoice }
  | { type: 'start'; jobId: JobId; spec: JobSpec }
  | { type: 'cancel'; jobId: JobId }
  | { type: 'dispose-model'; modelId: ModelId };

export type FromWorker =
  | { type: 'ready'; device: DeviceProfile; available: BackendName[] }
  | { type: 'progress'; jobId: JobId; phase: string; done: number; total: number; point?: MetricPoint }
  | { type: 'result'; jobId: JobId; result: JobResult }
  | { type: 'cancelled'; jobId: JobId }
  | { type: 'error'; jobId: JobId | null; error: ErrorInfo }
  | { type: 'device-lost'; message: string };
