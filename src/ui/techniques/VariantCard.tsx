import type { VariantMetrics, VariantReport } from '../../worker/protocol';
import { formatBytes, formatCount, formatFlops, formatMs, formatSizeChange } from '../format';

const pct = (v: number | null) => (v === null ? 'unknown' : `${(v * 100).toFixed(2)}%`);
const shrink = formatSizeChange;
/**
 * Speed reads one way everywhere: above 1× faster, below 1× slower — computed from the two
 * medians shown beside it (one interleaved run), so the words never contradict the numbers. When
 * the run's own spread of per-pair ratios (after ÷ before, p25–p75) holds 1, the difference is
 * within that run's noise and is called so: a float16 copy timed 1.10× "faster" than its float32
 * parent, though TF.js runs the very same float32 kernels for both.
 */
export function speedLabel(beforeMs: number, afterMs: number, spread?: readonly [number, number]): string {
  const speed = beforeMs / afterMs;
  if (spread && spread[0] <= 1 && spread[1] >= 1 && Math.abs(speed - 1) >= 0.005) return `${speed.toFixed(2)}× — same within noise`;
  return `${speed.toFixed(2)}× — ${speed >= 1.005 ? 'faster' : speed <= 0.995 ? 'slower' : 'same'}`;
}
/** Accuracy change with its sign: "+0.40 pt" / "−0.60 pt". */
export function pointsLabel(before: number, after: number): string {
  const d = (after - before) * 100;
  return `${d >= 0 ? '+' : '−'}${Math.abs(d).toFixed(2)} pt`;
}

const ROWS: { label: string; get(m: VariantMetrics): string; why?(m: VariantMetrics): string | undefined; change?(b: VariantMetrics, a: VariantMetrics): string }[] = [
  { label: 'Parameters', get: (m) => formatCount(m.params), change: (b, a) => shrink(b.params, a.params) },
  { label: 'Non-zero parameters', get: (m) => formatCount(m.nonZeroParams), change: (b, a) => shrink(b.nonZeroParams, a.nonZeroParams) },
  { label: 'Stored bytes', get: (m) => formatBytes(m.storedBytes), change: (b, a) => shrink(b.storedBytes, a.storedBytes) },
  { label: 'gzip bytes (download)', get: (m) => formatBytes(m.gzipBytes), change: (b, a) => shrink(b.gzipBytes, a.gzipBytes) },
  { label: 'float32 bytes ÷ gzip bytes', get: (m) => `${((4 * m.params) / m.gzipBytes).toFixed(1)}×` },
  { label: 'Resident bytes after load', get: (m) => (m.residentBytes === null ? 'unknown' : formatBytes(m.residentBytes)) },
  {
    label: 'FLOPs (batch 1)',
    get: (m) => (m.flops === null ? 'unknown' : formatFlops(m.flops)),
    why: (m) => m.flopsUnknown,
    change: (b, a) => shrink(b.flops, a.flops),
  },
  {
    label: 'Accuracy (test split)',
    get: (m) => pct(m.accuracy),
    why: (m) => m.accuracyUnknown,
    change: (b, a) => (b.accuracy === null || a.accuracy === null ? '' : pointsLabel(b.accuracy, a.accuracy)),
  },
];

/** Before/after of one variant: every number measured the same way for both, latency interleaved. */
export function VariantCard({ report, parentName, name }: { report: VariantReport; parentName: string; name: string }) {
  const f = report.fidelity;
  const reasons = [...new Set(ROWS.flatMap((r) => [r.why?.(report.before), r.why?.(report.after)]).filter((x): x is string => !!x))];
  return (
    <div className="variant-card" data-testid="variant-card">
      <h3>Result: {report.step}</h3>
      {report.data ? <p className="muted">Data: {report.data}. Settings are chosen on validation; accuracy is measured on test.</p> : null}
      <div className="table-scroll">
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
                <td className="num" title={r.why?.(report.before)}>
                  {r.get(report.before)}
                </td>
                <td className="num" data-testid="after" title={r.why?.(report.after)}>
                  {r.get(report.after)}
                </td>
                <td className="num">{r.change?.(report.before, report.after) ?? ''}</td>
              </tr>
            ))}
            <tr>
              <th scope="row">
                Top-1 agreement with the parent{f ? ` (${f.count} ${f.inputs === 'test split' ? 'test examples' : `synthetic inputs${f.distribution ? `, ${f.distribution}` : ''}`})` : ''}
              </th>
              <td />
              <td className="num" data-testid="variant-fidelity" title={f?.notMeaningful ?? report.fidelityUnknown}>
                {!f ? 'unknown' : f.notMeaningful ? 'not meaningful here' : `${pct(f.agreement)} agree`}
              </td>
              <td className="num">{f?.parentClasses !== undefined ? `parent predicts ${f.parentClasses} class${f.parentClasses === 1 ? '' : 'es'}` : ''}</td>
            </tr>
            <tr>
              <th scope="row">Output distance to the parent (mean KL · max |Δ logit|)</th>
              <td />
              <td className="num" data-testid="variant-output-distance" title={report.fidelityUnknown}>
                {f ? `KL ${f.meanKL.toExponential(1)} nats · ${f.maxLogitDelta === undefined ? 'max |Δ logit| not recorded' : `max |Δ logit| ${f.maxLogitDelta.toPrecision(3)}`}` : 'unknown'}
              </td>
              <td />
            </tr>
            {report.latency.map((l) => (
              <tr key={`${l.backend}-${l.batchSize}`} data-testid="variant-latency">
                <th scope="row">
                  Latency, {l.backend}, batch {l.batchSize} (interleaved)
                </th>
                <td className="num">{formatMs(l.beforeMs)}</td>
                <td className="num">{formatMs(l.afterMs)}</td>
                <td className="num" title={l.device ? `measured on ${l.device.userAgent}` : undefined}>
                  {speedLabel(l.beforeMs, l.afterMs, l.ratioSpread)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {report.notes.length || reasons.length || report.fidelityUnknown || f?.notMeaningful ? (
        <ul className="notes" data-testid="variant-notes">
          {report.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
          {[...reasons, ...(report.fidelityUnknown ? [report.fidelityUnknown] : []), ...(f?.notMeaningful ? [f.notMeaningful] : [])].map((n) => (
            <li key={n} className="warning" data-testid={n === f?.notMeaningful ? 'fidelity-not-meaningful' : undefined}>
              {n}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
