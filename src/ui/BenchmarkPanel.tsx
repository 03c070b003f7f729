import { Suspense, lazy, memo, useDeferredValue, useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { BackendName } from '../backend/types';
import { runBenchmark } from '../store/actions';
import type { BenchmarkResult } from '../worker/protocol';
import { useStore, selectBenchmarkJob, selectCurrentBenchmark } from '../store/store';
import { BenchmarkEstimate } from './BenchmarkEstimate';
import { BenchmarkRows } from './BenchmarkRows';
import { DeviceProfileView } from './DeviceProfileView';
import { JobProgress } from './JobProgress';

/** Float32 outputs of different backends agree to ~1e-5 on these models; 1e-3 flags a real fault. */
export const AGREEMENT_TOLERANCE = 1e-3;

// recharts is a large library: it loads in its own chunk (warmed up when idle, see ChartWarmup).
const LatencyChart = lazy(() => import('./charts/LatencyChart').then((m) => ({ default: m.LatencyChart })));

const BACKEND_LABELS: Record<BackendName, string> = { webgpu: 'WebGPU', wasm: 'WASM', cpu: 'CPU (slow)', webgl: 'WebGL' };

export function parseBatchSizes(text: string): number[] | null {
  const sizes = text
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((t) => Number(t));
  if (sizes.length === 0 || sizes.some((n) => !Number.isInteger(n) || n < 1 || n > 4096)) return null;
  return [...new Set(sizes)];
}

/** Latency on this device, per backend and batch size, with the device profile beside it. */
export function BenchmarkPanel() {
  const available = useStore(useShallow((s) => s.available.filter((b) => b !== 'webgl')));
  const job = useStore(selectBenchmarkJob);
  // Deferred: the result (tables + chart) renders in an interruptible background render, so a
  // finished job never blocks the main thread in one long task.
  const result = useDeferredValue(useStore(selectCurrentBenchmark));
  const hasModel = useStore((s) => !!s.currentModelId);
  const [chosen, setChosen] = useState<BackendName[]>(['wasm']);
  const [batchText, setBatchText] = useState('1, 32');
  const [samples, setSamples] = useState(30);
  const [budgetS, setBudgetS] = useState(20);
  const batchSizes = parseBatchSizes(batchText);
  const backends = chosen.filter((b) => (available as BackendName[]).includes(b));

  const toggle = (b: BackendName) => setChosen((c) => (c.includes(b) ? c.filter((x) => x !== b) : [...c, b]));

  return (
    <section aria-labelledby="bench-title" data-testid="benchmark-panel">
      <h2 id="bench-title">Latency on this device</h2>
      <form
        className="options"
        onSubmit={(e) => {
          e.preventDefault();
          if (batchSizes && backends.length) void runBenchmark({ backends, batchSizes, samples, cellBudgetMs: budgetS * 1000 });
        }}
      >
        <fieldset>
          <legend>Backends</legend>
          {available.map((b) => (
            <label key={b} className="check">
              <input type="checkbox" checked={chosen.includes(b)} onChange={() => toggle(b)} /> {BACKEND_LABELS[b]}
            </label>
          ))}
        </fieldset>
        <label className="field">
          <span>Batch sizes</span>
          <input value={batchText} onChange={(e) => setBatchText(e.target.value)} aria-invalid={!batchSizes} aria-describedby="batch-help" />
          <small id="batch-help" className={batchSizes ? 'muted' : 'invalid'}>
            {batchSizes ? 'Comma-separated, e.g. 1, 32' : 'Whole numbers from 1 to 4096, comma-separated'}
          </small>
        </label>
        <label className="field">
          <span>Timed samples</span>
          <input type="number" min={30} max={500} value={samples} onChange={(e) => setSamples(Math.max(30, Number(e.target.value) || 30))} />
        </label>
        <label className="field">
          <span>Time budget per cell (s)</span>
          <input
            type="number"
            min={1}
            max={600}
            value={budgetS}
            onChange={(e) => setBudgetS(Math.min(600, Math.max(1, Number(e.target.value) || 20)))}
            aria-describedby="budget-help"
          />
          <small id="budget-help" className="muted">
            A slower cell takes fewer samples, and says so
          </small>
        </label>
        <button type="submit" className="primary" disabled={!hasModel || !!job || !batchSizes || backends.length === 0}>
          Run benchmark
        </button>
      </form>
      {job ? null : <BenchmarkEstimate backends={backends} batchSizes={batchSizes ?? []} samples={samples} cellBudgetMs={budgetS * 1000} />}
      {job ? <JobProgress job={job} /> : null}
      {result ? (
        <BenchmarkResultView result={result} />
      ) : (
        <p className="muted">Run a benchmark to measure warm median, p90 and cold first-run latency in this browser.</p>
      )}
    </section>
  );
}

/** The finished benchmark. Memoized: progress updates of a later job do not re-render its chart. */
const BenchmarkResultView = memo(function BenchmarkResultView({ result }: { result: BenchmarkResult }) {
  // The chart mounts in a task of its own, after the table: two short tasks instead of one long one.
  const [showChart, setShowChart] = useState(false);
  useEffect(() => {
    const t = setTimeout(() => setShowChart(true), 0);
    return () => clearTimeout(t);
  }, []);
  return (
    <div className="bench-result" data-testid="benchmark-result">
      <Suspense fallback={<div className="chart-placeholder">Loading chart…</div>}>
        {showChart ? <LatencyChart runs={result.runs} /> : <div className="chart-placeholder" />}
      </Suspense>
      {result.cancelled ? (
        <p className="warning" role="status" data-testid="benchmark-cancelled">
          Cancelled: {result.runs.length} of {result.runs.length + result.cancelled.cells.length} cells finished and are shown; the
          rest are marked cancelled. The output check against the CPU backend did not run.
        </p>
      ) : null}
      <BenchmarkRows result={result} />
      {result.restoreError ? (
        <p className="warning" role="status" data-testid="restore-error">
          {result.restoreError}
        </p>
      ) : null}
      <h3>Correctness</h3>
      <ul className="agreement" data-testid="agreement">
        {result.agreement.map((a) => (
          <li key={a.backend} data-backend={a.backend} data-ok={a.maxAbsDiff <= AGREEMENT_TOLERANCE}>
            {a.backend}: outputs {a.maxAbsDiff <= AGREEMENT_TOLERANCE ? 'match' : 'DIFFER from'} the CPU backend on a fixed input
            (max |Δ| = {a.maxAbsDiff.toExponential(1)})
          </li>
        ))}
      </ul>
      <h3>Measured on</h3>
      {result.profiles.map((p) => (
        <DeviceProfileView key={p.backend} profile={p} />
      ))}
    </div>
  );
});
