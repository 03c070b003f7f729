import type { FromWorker, JobId, MetricPoint } from '../protocol';

/** What a job gets from the message loop: its abort signal and a throttled progress reporter. */
export interface JobContext {
  jobId: JobId;
  signal: AbortSignal;
  progress(phase: string, done: number, total: number, point?: MetricPoint): void;
  /** Stream an item to the page now (never throttled), with the last progress state. */
  live(item: unknown): void;
}

const PROGRESS_INTERVAL_MS = 100; // ~10 Hz, DESIGN.md §3

export function createJobContext(jobId: JobId, signal: AbortSignal, post: (m: FromWorker) => void): JobContext {
  let lastSent = 0;
  let lastPhase = '';
  let last = { done: 0, total: 1 };
  return {
    jobId,
    signal,
    progress(phase, done, total, point) {
      const now = performance.now();
      last = { done, total };
      // Always send phase changes, completions and metric points (charts need every point).
      const important = phase !== lastPhase || done >= total || point !== undefined;
      if (!important && now - lastSent < PROGRESS_INTERVAL_MS) return;
      lastSent = now;
      lastPhase = phase;
      post({ type: 'progress', jobId, phase, done, total, point });
    },
    live(item) {
      post({ type: 'progress', jobId, phase: lastPhase, done: last.done, total: last.total, live: item });
    },
  };
}
