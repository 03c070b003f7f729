/**
 * The app store: typed slices combined once (zustand slices pattern). State is plain data; the
 * tensors stay in the worker. Actions that talk to the engine live in actions.ts.
 */
import { create } from 'zustand';
import type { ErrorInfo, Warning } from '../engine/errors';
import type { BackendName, DeviceProfile } from '../backend/types';
import type { LibraryEntry } from '../library/db';
import type { AnalysisRecord, VariantRecord } from '../share/records';
import type { BackendChoice, BenchmarkResult, DatasetId, DatasetInfo, Evaluation, ModelId, ModelInfo, MetricPoint } from '../worker/protocol';

export type JobKind = 'import' | 'benchmark' | 'dataset' | 'evaluate' | 'train' | 'optimize' | 'export' | 'save';

export interface JobState {
  kind: JobKind;
  label: string;
  phase: string;
  done: number;
  total: number;
  startedAt: number;
  points: MetricPoint[];
  cancel(): void;
}

export interface EngineSlice {
  engineStatus: 'starting' | 'ready' | 'restarting';
  device?: DeviceProfile;
  available: BackendName[];
  backendChoice: BackendChoice;
}

export interface ModelsSlice {
  models: Record<ModelId, ModelInfo>;
  currentModelId?: ModelId;
  benchmarks: Record<ModelId, BenchmarkResult>;
  /**
   * What made each variant and how it measured, by the variant's SHA-256 (never by the worker's
   * ids, which a restarted engine hands out again): read from IndexedDB, so cards survive reloads.
   */
  variantRecords: Record<string, VariantRecord>;
  /** Analyses (sensitivity, int8 simulation) by the analysed model's SHA-256, newest first. */
  analyses: Record<string, AnalysisRecord[]>;
}

export interface DatasetsSlice {
  datasets: Record<DatasetId, DatasetInfo>;
  currentDatasetId?: DatasetId;
  evaluations: Record<ModelId, Evaluation>;
}

export interface JobsSlice {
  jobs: Partial<Record<JobKind, JobState>>;
}

export interface LibrarySlice {
  library: LibraryEntry[];
  /** Every saved variant record: the library's variant tree. */
  libraryRecords: VariantRecord[];
  libraryError?: ErrorInfo;
}

/** The action an error belongs to: its next success clears the error. */
export type ErrorSource = JobKind | 'library';

export interface ShownError extends ErrorInfo {
  id: number;
  source?: ErrorSource;
}

export interface NoticesSlice {
  /** Newest first. */
  errors: ShownError[];
  warnings: Warning[];
}

export type AppState = EngineSlice & ModelsSlice & DatasetsSlice & JobsSlice & LibrarySlice & NoticesSlice;

export const initialState: AppState = {
  engineStatus: 'starting',
  available: [],
  backendChoice: 'auto',
  models: {},
  benchmarks: {},
  variantRecords: {},
  analyses: {},
  datasets: {},
  evaluations: {},
  jobs: {},
  library: [],
  libraryRecords: [],
  errors: [],
  warnings: [],
};

export const useStore = create<AppState>()(() => initialState);

// Selectors at module scope (stable identities).
export const selectCurrentModel = (s: AppState): ModelInfo | undefined =>
  s.currentModelId ? s.models[s.currentModelId] : undefined;
export const selectCurrentBenchmark = (s: AppState): BenchmarkResult | undefined =>
  s.currentModelId ? s.benchmarks[s.currentModelId] : undefined;
export const selectImportJob = (s: AppState) => s.jobs.import;
export const selectBenchmarkJob = (s: AppState) => s.jobs.benchmark;
export const selectErrors = (s: AppState) => s.errors;
export const selectDevice = (s: AppState) => s.device;
export const selectLibrary = (s: AppState) => s.library;
export const selectCurrentDataset = (s: AppState): DatasetInfo | undefined =>
  s.currentDatasetId ? s.datasets[s.currentDatasetId] : undefined;
export const selectCurrentEvaluation = (s: AppState): Evaluation | undefined =>
  s.currentModelId ? s.evaluations[s.currentModelId] : undefined;
export const selectJob = (kind: JobKind) => (s: AppState) => s.jobs[kind];
/** The record of the open model when it is a variant, found by its SHA-256. */
export const selectCurrentRecord = (s: AppState): VariantRecord | undefined => {
  const model = selectCurrentModel(s);
  return model ? s.variantRecords[model.summary.sha256] : undefined;
};
const NO_ANALYSES: AnalysisRecord[] = [];
export const selectCurrentAnalyses = (s: AppState): AnalysisRecord[] => {
  const model = selectCurrentModel(s);
  return (model && s.analyses[model.summary.sha256]) || NO_ANALYSES;
};
