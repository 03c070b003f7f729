import type { FromWorker, JobId, MetricPoint } from '../protocol';

/** What a job gets from the message loop: its abort signal and a throttled progress reporter. */
export interface JobContext {
  jobId: JobId;
  signal: AbortSignal;
  progress(phase: string, done: number, total: number, point?: MetricPoint): void;
}

const PROGRESS_INTERVAL_MS = 100; // ~10 Hz, DESIGN.md §3

export function createJobContext(jobId: JobId, signal: AbortSignal, post: (m: FromWorker) => void): JobContext {
  let lastSent = 0;
  let lastPhase = '';
  return {
    jobId,
    signal,
    progress(phase, done, total, point) {
      const now = performance.now();
      // Always send phase changes, completions and metric points (charts need every point).
      const important = phase !== lastPhase || done >= total || point !== undefined;
      if (!important && now - lastSent < PROGRESS_INTERVAL_MS) return;
      lastSent = now;
      lastPhase = phase;
      post({ type: 'progress', jobId, phase, done, total, point });
    },
  };
}
