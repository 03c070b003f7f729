/**
 * The typed message protocol between the main thread (EngineClient) and engine.worker.
 * Types only: importable from both sides without pulling in TF.js.
 */
import type { ExpectedBase } from '../share/base-file';
import type { ErrorInfo, Warning } from '../engine/errors';
import type { InputFile, ModelFormat, ModelRef, ModelSummary } from '../engine/model/types';
import type { LatencyResult } from '../engine/metrics/latency-types';
import type { DeviceProfile, BackendName } from '../backend/types';
import type { DatasetSummary } from '../engine/data/types';
import type { TrainConfig, TrainHistory } from '../engine/train/meta';
import type { AnalysisRecord, VariantRecord } from '../share/records';
import type { ExperimentModel } from '../share/experiment-file';

export type JobId = string;
export type ModelId = string;
export type DatasetId = string;
export type BackendChoice = 'auto' | BackendName;

export type ModelSource =
  | { kind: 'sample'; sampleId: string }
  | { kind: 'url'; url: string }
  /** `via`: how the user handed the files over (the source line says so). */
  /** expect: the files must have this SHA-256 (a shared experiment's base), checked before anything is loaded or saved. */
  | { kind: 'files'; files: InputFile[]; via?: 'picked' | 'dropped'; expect?: ExpectedBase }
  | { kind: 'library'; libraryId: string };

export type { ModelRef };

export type DatasetSource =
  | { kind: 'builtin'; id: 'mnist' }
  /** Dropped images: one sub-folder per class when labeled; resized to `modelId`'s input. */
  | { kind: 'images'; files: InputFile[]; labeled: boolean; modelId: ModelId; name?: string }
  /** A CSV file: header row, numeric features, `labelColumn` (0-based) holds the class. */
  | { kind: 'csv'; file: InputFile; labelColumn: number; name?: string };

export interface DatasetInfo {
  id: DatasetId;
  summary: DatasetSummary;
  /** E.g. unreadable images skipped, files that are not images. */
  warnings: Warning[];
}

export interface AccuracyResult {
  accuracy: number;
  count: number;
  confusion: number[][];
  perClassAccuracy: number[];
}

export interface FidelityResult {
  agreement: number;
  meanKL: number;
  count: number;
  referenceName: string;
}

export interface Evaluation {
  modelId: ModelId;
  datasetId: DatasetId;
  datasetName: string;
  accuracy?: AccuracyResult;
  fidelity?: FidelityResult;
}

export type { TechniqueId } from '../engine/techniques/catalog';
export type { AnalysisRecord, VariantRecord };

/** One result of an optimize job, in the order the run produced them. */
export type OptimizeOutput =
  /** `model` is set for the run's final variant, which stays open in the engine; emitted ones are in the library only. */
  /** `record` is absent when the result is byte-identical to its parent (nothing new was saved). */
  | { kind: 'variant'; record?: VariantRecord; model?: ModelInfo; storageError?: ErrorInfo }
  | { kind: 'report'; record: AnalysisRecord; storageError?: ErrorInfo };
export type { AnalysisReport, FidelityMeasure, LatencyComparison, TechniqueStep, VariantMetrics, VariantReport } from '../engine/pipeline/report-types';
import type { TechniqueStep } from '../engine/pipeline/report-types';

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
  /** How to reopen this model (after a reload or an engine restart). */
  ref?: ModelRef;
  /** The model this one was made from, and by what. */
  parent?: { ref: ModelRef; name: string; step: string };
  /** tf.memory().numBytes growth when the engine loaded it (weights are float32 after load). */
  residentBytes?: number;
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
  /** Time budget per (backend, batch) cell, ms: past it a cell takes fewer samples, and says so. */
  cellBudgetMs?: number;
}

export interface BenchmarkResult {
  modelId: ModelId;
  runs: LatencyResult[];
  /** The profile of every backend that really ran. */
  profiles: DeviceProfile[];
  /** Each backend's output on a fixed input against the CPU backend's: max |difference|. */
  agreement: { backend: BackendName; maxAbsDiff: number }[];
  /** Set when the engine could not return to the backend it ran on before the benchmark. */
  restoreError?: string;
  /** Set when Cancel stopped the run: `runs` holds the cells that finished, these did not. */
  cancelled?: { cells: { backend: BackendName; batchSize: number }[] };
}

export interface CompareLatencyResult {
  backend: string;
  batchSize: number;
  medianMs: number[];
  /** Each model's median per-round ratio to the first. */
  ratio: number[];
  samples: number;
}

export type JobSpec =
  | { kind: 'import'; source: ModelSource; name?: string }
  | { kind: 'benchmark'; spec: BenchmarkSpec }
  | { kind: 'load-dataset'; source: DatasetSource }
  | { kind: 'evaluate'; modelId: ModelId; datasetId: DatasetId; reference?: ModelRef }
  | { kind: 'train'; modelId: ModelId; datasetId: DatasetId; config: TrainConfig; name?: string }
  | { kind: 'optimize'; modelId: ModelId; datasetId?: DatasetId; steps: TechniqueStep[]; name?: string; latencyBatchSizes?: number[] }
  /** compact (default true): model.json without the fields stock TF.js fills in by itself; false: the files as stored. */
  | { kind: 'export'; modelId: ModelId; compact?: boolean }
  /** Save a searched candidate (its trained files) to the library as a variant of `parent`. */
  /** Save an experiment file's models (validated, SHA-256 checked) to the library. */
  | { kind: 'import-experiment'; models: ExperimentModel[] }
  /** Several saved models timed interleaved in one run (Compare → Benchmark selected). */
  | { kind: 'compare-latency'; refs: ModelRef[]; batchSize: number }
  | { kind: 'save-candidate'; parent: { modelId?: ModelId; ref?: ModelRef }; datasetId?: DatasetId; files: InputFile[]; name: string; step: string; steps: TechniqueStep[] };

export type JobResult =
  | { kind: 'import'; model: ModelInfo }
  | { kind: 'benchmark'; result: BenchmarkResult }
  | { kind: 'load-dataset'; dataset: DatasetInfo }
  | { kind: 'evaluate'; evaluation: Evaluation }
  | { kind: 'train'; model: ModelInfo; history: TrainHistory; record?: VariantRecord }
  | { kind: 'optimize'; outputs: OptimizeOutput[] }
  | { kind: 'export'; fileName: string; bytes: Uint8Array }
  | { kind: 'save-candidate'; output: OptimizeOutput }
  | { kind: 'import-experiment'; saved: number }
  | { kind: 'compare-latency'; result: CompareLatencyResult };

export interface MetricPoint {
  /** Free-form series name, e.g. "wasm · batch 1". */
  series: string;
  x: number;
  y: number;
  /** What x counts, named under the chart's x axis ("training step", "epoch"). */
  xUnit?: 'training step' | 'epoch';
}

export type ToWorker =
  | { type: 'init'; backend: BackendChoice }
  | { type: 'start'; jobId: JobId; spec: JobSpec }
  | { type: 'cancel'; jobId: JobId }
  | { type: 'dispose-model'; modelId: ModelId }
  | { type: 'dispose-dataset'; datasetId: DatasetId }
  /**
   * Hold the Web Lock `name` for as long as this worker lives. The page queues for the same lock:
   * it is granted the moment the worker is gone, even when it went without an error event
   * (self.close(), a killed thread), and a worker busy in a long kernel still holds it.
   */
  | { type: 'hold-life-lock'; name: string };

export type FromWorker =
  | { type: 'ready'; device: DeviceProfile; available: BackendName[] }
  /** `live`: a technique-specific item streamed as it happens (a NAS candidate); never throttled. */
  | { type: 'progress'; jobId: JobId; phase: string; done: number; total: number; point?: MetricPoint; live?: unknown }
  | { type: 'result'; jobId: JobId; result: JobResult }
  | { type: 'cancelled'; jobId: JobId }
  | { type: 'error'; jobId: JobId | null; error: ErrorInfo }
  | { type: 'device-lost'; message: string }
  /** The worker holds its life lock (see 'hold-life-lock'). */
  | { type: 'life-lock-held'; name: string };
