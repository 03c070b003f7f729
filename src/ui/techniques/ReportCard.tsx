import { Suspense, lazy } from 'react';
import type { AnalysisRecord } from '../../worker/protocol';
import { PerLayerTable } from './PerLayerTable';

const PerLayerChart = lazy(() => import('../charts/PerLayerChart').then((m) => ({ default: m.PerLayerChart })));
const SensitivityChart = lazy(() => import('../charts/SensitivityChart').then((m) => ({ default: m.SensitivityChart })));

const show = (v: number | string | null | undefined) =>
  v === null || v === undefined ? 'not measurable here' : typeof v === 'number' ? (Math.abs(v) < 1 && v !== 0 ? v.toFixed(4) : String(Number(v.toFixed(4)))) : v;

/** An analysis of the open model (a sensitivity scan, an int8 simulation): no new model, kept across reloads. */
export function ReportCard({ record, chartKeys }: { record: AnalysisRecord; chartKeys: string[] }) {
  const { report } = record;
  const rows = report.perLayer;
  const sensitivity = rows.length > 0 && rows.every((r) => typeof r.ratio === 'number' && typeof r.metric === 'number');
  const keys = chartKeys.filter((k) => rows.some((r) => typeof r[k] === 'number'));
  return (
    <div className="variant-card" data-testid="report-card">
      <h3>Report: {report.title}</h3>
      <p className="muted">
        {report.step}
        {report.data ? ` · data: ${report.data}` : ''} · {new Date(record.createdAt).toLocaleString()}
        {record.device ? ` · ${record.device.backend}` : ''}
      </p>
      {report.values ? (
        <dl className="kv" data-testid="report-values">
          {Object.entries(report.values).map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{show(v)}</dd>
            </div>
          ))}
        </dl>
      ) : null}
      {report.notes.length ? (
        <ul className="notes" data-testid="report-notes">
          {report.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      ) : null}
      {sensitivity ? (
        <Suspense fallback={<div className="chart-placeholder">Loading chart…</div>}>
          <SensitivityChart rows={rows as { layer: string; ratio: number; metric: number; metricName: string }[]} />
        </Suspense>
      ) : keys.length ? (
        <Suspense fallback={<div className="chart-placeholder">Loading chart…</div>}>
          <PerLayerChart rows={rows} keys={keys.slice(0, 2)} title={`Per layer: ${keys.slice(0, 2).join(', ')}`} />
        </Suspense>
      ) : null}
      {rows.length ? (
        <details className="advanced">
          <summary>Per-layer table ({rows.length} rows)</summary>
          <PerLayerTable rows={rows} testId="report-table" />
        </details>
      ) : null}
    </div>
  );
}
