import { useDeferredValue, useMemo } from 'react';
import type { MetricPoint } from '../../worker/protocol';
import { useThrottled } from '../useThrottled';
import { PALETTE } from './palette';

/** At most this many points per line: a long run is drawn from an even subsample (the last point kept). */
export const MAX_POINTS_PER_SERIES = 200;

export function thin<T>(points: T[], max = MAX_POINTS_PER_SERIES): T[] {
  if (points.length <= max) return points;
  const stride = points.length / max;
  const out: T[] = [];
  for (let i = 0; i < max - 1; i++) out.push(points[Math.floor(i * stride)]);
  out.push(points[points.length - 1]);
  return out;
}

const W = 600;
const H = 200;
const PAD = { left: 48, right: 12, top: 10, bottom: 24 };

const fmt = (v: number) => (Math.abs(v) >= 1000 || (Math.abs(v) < 0.01 && v !== 0) ? v.toExponential(1) : Number(v.toPrecision(3)).toString());

/**
 * Live chart of what a job streams: one line per series (training loss by step, sparsity as the
 * schedule ramps up, distilled vs scratch accuracy, …). Plain SVG polylines rather than recharts:
 * it redraws while a job runs, and must never block the main thread (F10: no long task) — at most
 * once a second, at low priority, from at most 200 points a line. Each series is scaled to its own
 * range (shown in the legend) so a 0–1 fraction never disappears beside a loss of 2.3.
 * Validation accuracy comes once per epoch and is listed under the chart.
 */
export function TrainingChart({ points: live }: { points: MetricPoint[] }) {
  const points = useDeferredValue(useThrottled(live, 1000));
  const { val, lines, xMin, xMax, xUnit } = useMemo(() => {
    const bySeries = new Map<string, MetricPoint[]>();
    for (const p of points) {
      const list = bySeries.get(p.series);
      if (list) list.push(p);
      else bySeries.set(p.series, [p]);
    }
    const validation = bySeries.get('validation accuracy') ?? [];
    bySeries.delete('validation accuracy');
    let lo = Infinity;
    let hi = -Infinity;
    const out = [...bySeries].map(([name, all]) => {
      const data = thin(all);
      let yMin = Infinity;
      let yMax = -Infinity;
      for (const p of data) {
        lo = Math.min(lo, p.x);
        hi = Math.max(hi, p.x);
        yMin = Math.min(yMin, p.y);
        yMax = Math.max(yMax, p.y);
      }
      return { name, data, yMin, yMax, last: data[data.length - 1] };
    });
    // The x axis is named when every line counts the same thing (steps or epochs).
    const units = new Set(out.map((l) => l.last.xUnit));
    const xUnit = units.size === 1 ? [...units][0] : undefined;
    return { val: validation, lines: out, xMin: lo, xMax: hi, xUnit };
  }, [points]);
  const sx = (x: number) => PAD.left + ((x - xMin) / (xMax - xMin || 1)) * (W - PAD.left - PAD.right);
  return (
    <figure className="chart live-chart" aria-label="Job progress chart" data-testid="training-chart">
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-label={lines.map((l) => `${l.name}: latest ${fmt(l.last.y)}`).join('; ') || 'waiting for data'}>
        <rect x={PAD.left} y={PAD.top} width={W - PAD.left - PAD.right} height={H - PAD.top - PAD.bottom} className="plot-area" />
        {lines.map((l, i) => {
          const sy = (y: number) => H - PAD.bottom - ((y - l.yMin) / (l.yMax - l.yMin || 1)) * (H - PAD.top - PAD.bottom);
          return (
            <polyline
              key={l.name}
              fill="none"
              stroke={PALETTE[i % PALETTE.length]}
              strokeWidth={1.6}
              points={l.data.map((p) => `${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join(' ')}
            />
          );
        })}
        {lines.length ? (
          <>
            <text x={PAD.left} y={H - 6} className="axis-label">{fmt(xMin)}</text>
            <text x={W - PAD.right} y={H - 6} textAnchor="end" className="axis-label">{fmt(xMax)}</text>
            {xUnit ? <text x={(W + PAD.left) / 2} y={H - 6} textAnchor="middle" className="axis-label" data-testid="training-chart-x">{xUnit} →</text> : null}
          </>
        ) : null}
      </svg>
      <ul className="legend">
        {lines.map((l, i) => (
          <li key={l.name}>
            <span className="swatch" style={{ background: PALETTE[i % PALETTE.length] }} /> {l.name}: {fmt(l.last.y)}{' '}
            <span className="muted">
              (range {fmt(l.yMin)}–{fmt(l.yMax)})
            </span>
          </li>
        ))}
      </ul>
      <figcaption className="muted">
        {val.length > 0
          ? `Validation accuracy by epoch: ${val.map((p) => `${(p.y * 100).toFixed(1)}%`).join(' → ')}`
          : 'Validation accuracy appears after each epoch.'}
      </figcaption>
    </figure>
  );
}
