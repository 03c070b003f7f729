/**
 * The app store: typed slices combined once (zustand slices pattern). State is plain data; the
 * tensors stay in the worker. Actions that talk to the engine live in actions.ts.
 */
import { create } from 'zustand';
import type { ErrorInfo, Warning } from '../engine/errors';
import type { BackendName, DeviceProfile } from '../backend/types';
import type { LibraryEntry } from '../library/db';
import type { BackendChoice, BenchmarkResult, DatasetId, DatasetInfo, Evaluation, ModelId, ModelInfo, MetricPoint, SensitivityPoint, VariantReport } from '../worker/protocol';

export type JobKind = 'import' | 'benchmark' | 'dataset' | 'evaluate' | 'train' | 'optimize' | 'export' | 'sensitivity';

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
  /** Before/after reports of variants made in this session, by the variant's id. */
  reports: Record<ModelId, VariantReport>;
  sensitivity: Record<ModelId, SensitivityPoint[]>;
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
  libraryError?: ErrorInfo;
}

export interface NoticesSlice {
  errors: (ErrorInfo & { id: number })[];
  warnings: Warning[];
}

export type AppState = EngineSlice & ModelsSlice & DatasetsSlice & JobsSlice & LibrarySlice & NoticesSlice;

export const initialState: AppState = {
  engineStatus: 'starting',
  available: [],
  backendChoice: 'auto',
  models: {},
  benchmarks: {},
  reports: {},
  sensitivity: {},
  datasets: {},
  evaluations: {},
  jobs: {},
  library: [],
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
export const selectCurrentReport = (s: AppState): VariantReport | undefined =>
  s.currentModelId ? s.reports[s.currentModelId] : undefined;
