/** Compare: the open model's experiment as rows, and "Benchmark selected" (interleaved, one run). */
import { create } from 'zustand';
import type { CompareLatencyResult, ModelRef } from '../worker/protocol';
import { runJob } from './jobs';

export interface CompareState {
  /** Row key (a SHA-256) → this device's interleaved measurement. */
  measured: Record<string, { ms: number; ratio: number; backend: string; batchSize: number; firstName: string }>;
}

export const useCompare = create<CompareState>()(() => ({ measured: {} }));

export async function benchmarkSelected(rows: { key: string; name: string; ref: ModelRef }[], batchSize: number): Promise<void> {
  if (rows.length < 2) return;
  const result = await runJob('benchmark', 'Benchmarking the selected models', { kind: 'compare-latency', refs: rows.map((r) => r.ref), batchSize });
  if (result?.kind !== 'compare-latency') return;
  const r: CompareLatencyResult = result.result;
  useCompare.setState((s) => ({
    measured: {
      ...s.measured,
      ...Object.fromEntries(rows.map((row, i) => [row.key, { ms: r.medianMs[i], ratio: r.ratio[i], backend: r.backend, batchSize: r.batchSize, firstName: rows[0].name }])),
    },
  }));
}
