import { useEffect, useState, type ComponentType } from 'react';
import type { LatencyResult } from '../../engine/metrics/latency-types';

const SAMPLE_RUNS: LatencyResult[] = [
  { backend: 'wasm', batchSize: 1, coldMs: 1, samplesMs: [1], medianMs: 1, p90Ms: 1.2, k: 1, warmupRuns: 0 },
  { backend: 'wasm', batchSize: 32, coldMs: 2, samplesMs: [2], medianMs: 2, p90Ms: 2.4, k: 1, warmupRuns: 0 },
];

type Chart = ComponentType<{ runs: LatencyResult[] }>;

function whenIdle(cb: () => void): void {
  const idle = (globalThis as { requestIdleCallback?: (cb: () => void) => void }).requestIdleCallback;
  if (idle) idle(cb);
  else setTimeout(cb, 2000);
}

/**
 * The first render of a recharts chart costs ~150–200 ms of one-off code compilation on these
 * machines. Pay it while the page is idle, with an invisible chart that is removed right after, so
 * the first real result of a job does not block the main thread in one long task (F10).
 */
export function ChartWarmup() {
  const [Chart, setChart] = useState<Chart | null>(null);
  const [done, setDone] = useState(false);
  useEffect(() => {
    let live = true;
    whenIdle(() => {
      void import('./LatencyChart').then((m) => live && setChart(() => m.LatencyChart));
    });
    return () => {
      live = false;
    };
  }, []);
  useEffect(() => {
    if (!Chart || done) return;
    const t = setTimeout(() => setDone(true), 300);
    return () => clearTimeout(t);
  }, [Chart, done]);
  if (!Chart || done) return null;
  return (
    <div aria-hidden="true" className="chart-warmup">
      <Chart runs={SAMPLE_RUNS} />
    </div>
  );
}
