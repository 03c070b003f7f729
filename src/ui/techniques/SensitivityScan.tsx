import { Suspense, lazy, useState } from 'react';
import { scanSensitivity } from '../../store/optimize-actions';
import { useStore, selectJob } from '../../store/store';
import { JobProgress } from '../JobProgress';

const SensitivityChart = lazy(() => import('../charts/SensitivityChart').then((m) => ({ default: m.SensitivityChart })));
const selectScanJob = selectJob('sensitivity');

/** Which layers tolerate pruning: scan each one alone before choosing per-layer ratios. */
export function SensitivityScan() {
  const rows = useStore((s) => (s.currentModelId ? s.sensitivity[s.currentModelId] : undefined));
  const job = useStore(selectScanJob);
  const hasModel = useStore((s) => !!s.currentModelId);
  const [method, setMethod] = useState<'magnitude' | 'filters'>('magnitude');
  return (
    <details className="advanced">
      <summary>Sensitivity scan</summary>
      <div className="row">
        <label className="field inline">
          <span>Prune</span>
          <select value={method} onChange={(e) => setMethod(e.target.value as 'magnitude' | 'filters')}>
            <option value="magnitude">weights (unstructured)</option>
            <option value="filters">filters/units (structured)</option>
          </select>
        </label>
        <button type="button" disabled={!hasModel || !!job} onClick={() => void scanSensitivity(method)}>
          Scan layers
        </button>
      </div>
      {job ? <JobProgress job={job} /> : null}
      {rows ? (
        <Suspense fallback={<div className="chart-placeholder">Loading chart…</div>}>
          <SensitivityChart rows={rows} />
        </Suspense>
      ) : null}
    </details>
  );
}
