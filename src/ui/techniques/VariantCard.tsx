import type { VariantMetrics, VariantReport } from '../../worker/protocol';
import { formatBytes, formatCount, formatFlops, formatMs } from '../format';

const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(2)}%`);
const ratio = (before: number, after: number) => (after > 0 ? `${(before / after).toFixed(2)}×` : '—');

const ROWS: { label: string; get(m: VariantMetrics): string; change?(b: VariantMetrics, a: VariantMetrics): string }[] = [
  { label: 'Parameters', get: (m) => formatCount(m.params), change: (b, a) => ratio(b.params, a.params) },
  { label: 'Non-zero parameters', get: (m) => formatCount(m.nonZeroParams), change: (b, a) => ratio(b.nonZeroParams, a.nonZeroParams) },
  { label: 'Stored bytes', get: (m) => formatBytes(m.storedBytes), change: (b, a) => ratio(b.storedBytes, a.storedBytes) },
  { label: 'gzip bytes (download)', get: (m) => formatBytes(m.gzipBytes), change: (b, a) => ratio(b.gzipBytes, a.gzipBytes) },
  { label: 'float32 bytes ÷ gzip bytes', get: (m) => `${((4 * m.params) / m.gzipBytes).toFixed(1)}×` },
  { label: 'Resident bytes after load', get: (m) => (m.residentBytes === null ? '—' : formatBytes(m.residentBytes)) },
  { label: 'FLOPs (batch 1)', get: (m) => formatFlops(m.flops), change: (b, a) => ratio(b.flops, a.flops) },
  {
    label: 'Accuracy (test split)',
    get: (m) => pct(m.accuracy),
    change: (b, a) => (b.accuracy === null || a.accuracy === null ? '' : `${((a.accuracy - b.accuracy) * 100).toFixed(2)} pt`),
  },
];

/** Before/after of one variant: every number measured the same way for both, latency interleaved. */
export function VariantCard({ report, parentName, name }: { report: VariantReport; parentName: string; name: string }) {
  return (
    <div className="variant-card" data-testid="variant-card">
      <h3>Result: {report.step}</h3>
      <table className="table">
        <thead>
          <tr>
            <th scope="col" />
            <th scope="col" className="num">
              Before ({parentName})
            </th>
            <th scope="col" className="num">
              After ({name})
            </th>
            <th scope="col" className="num">
              Change
            </th>
          </tr>
        </thead>
        <tbody>
          {ROWS.map((r) => (
            <tr key={r.label} data-testid={`variant-row-${r.label}`}>
              <th scope="row">{r.label}</th>
              <td className="num">{r.get(report.before)}</td>
              <td className="num" data-testid="after">
                {r.get(report.after)}
              </td>
              <td className="num">{r.change?.(report.before, report.after) ?? ''}</td>
            </tr>
          ))}
          {report.fidelity ? (
            <tr>
              <th scope="row">Fidelity to the parent ({report.fidelity.inputs})</th>
              <td />
              <td className="num" data-testid="variant-fidelity">
                {pct(report.fidelity.agreement)} agree · KL {report.fidelity.meanKL.toExponential(1)}
              </td>
              <td />
            </tr>
          ) : null}
          {report.latency.map((l) => (
            <tr key={`${l.backend}-${l.batchSize}`} data-testid="variant-latency">
              <th scope="row">
                Latency, {l.backend}, batch {l.batchSize} (interleaved)
              </th>
              <td className="num">{formatMs(l.beforeMs)}</td>
              <td className="num">{formatMs(l.afterMs)}</td>
              <td className="num">{`${(1 / l.ratio).toFixed(2)}× speed`}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {report.notes.length ? (
        <ul className="notes" data-testid="variant-notes">
          {report.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
