import type { BackendName } from '../../backend/types';

/** One (backend, batch) latency measurement, per BENCHMARKS.md. All times in milliseconds. */
export interface LatencyResult {
  backend: BackendName;
  batchSize: number;
  /** First inference on a fresh model/backend: includes shader compile or weight upload. */
  coldMs: number;
  /** Per-inference times of every timed sample (each sample = K back-to-back inferences ÷ K). */
  samplesMs: number[];
  medianMs: number;
  p90Ms: number;
  /** Inferences per timed sample. */
  k: number;
  warmupRuns: number;
  /** Samples asked for: more than `samplesMs.length` only when the cell's time budget ran out. */
  requestedSamples?: number;
  /** The cell's time budget ended it early (fewer warm-ups or samples than asked). */
  cutByBudget?: { budgetMs: number };
}
