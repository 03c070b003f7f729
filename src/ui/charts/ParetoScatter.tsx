import { useMemo } from 'react';
import { paretoFront } from '../../engine/techniques/search/pareto';

export interface ScatterPoint {
  key: string;
  x: number;
  /** Higher is better (accuracy). */
  y: number;
  label: string;
  /** 'final': retrained with the full budget; 'reference': the model searched against. */
  kind: 'candidate' | 'final' | 'reference';
}

const W = 600;
const H = 260;
const PAD = { left: 52, right: 14, top: 12, bottom: 34 };

const tick = (v: number) => Number(v.toPrecision(3)).toString();
/** An accuracy axis tick: 0.9812 → "98.1%". */
export const accuracyTick = (y: number) => `${(100 * y).toFixed(1)}%`;

/**
 * Accuracy (y, higher better) against a cost (x, lower better: latency or size), with the Pareto
 * front (non-dominated points, pareto.ts) drawn as a step line and its points filled. Plain SVG:
 * points are focusable buttons (Enter or click opens one), and the front is announced in each
 * point's label so it is not a colour-only cue.
 */
export function ParetoScatter({ points, xLabel, yLabel, selected, onSelect, testId = 'pareto-scatter', formatX = tick, formatY = tick, yMax }: {
  points: ScatterPoint[];
  xLabel: string;
  yLabel: string;
  /** Tick text of each axis (default: 3 significant digits), e.g. the same "85 µs" the tables show. */
  formatX?: (x: number) => string;
  formatY?: (y: number) => string;
  /** The y axis never reads above this (an accuracy's padding must not draw 101%). */
  yMax?: number;
  selected?: string | null;
  onSelect?(key: string): void;
  testId?: string;
}) {
  const { front, sx, sy, xs, ys } = useMemo(() => {
    const comparable = points.filter((p) => p.kind !== 'reference');
    const idx = paretoFront(comparable.map((p) => ({ accuracy: p.y, latencyMs: p.x, size: 0 })), ['accuracy', 'latencyMs']);
    const front = new Set(idx.map((i) => comparable[i].key));
    const xv = points.map((p) => p.x);
    const yv = points.map((p) => p.y);
    const [x0, x1] = [Math.min(...xv, Infinity), Math.max(...xv, -Infinity)];
    const [y0, y1] = [Math.min(...yv, Infinity), Math.max(...yv, -Infinity)];
    // Costs are never negative: the padding stops at 0, so a latency or size axis never starts below it.
    const xPad = 0.05 * (x1 - x0);
    const xr = x1 > x0 ? [x0 >= 0 ? Math.max(0, x0 - xPad) : x0 - xPad, x1 + xPad] : [x0 * 0.9 || 0, x0 * 1.1 || 1];
    const padded = y1 > y0 ? [y0 - 0.05 * (y1 - y0), y1 + 0.05 * (y1 - y0)] : [y0 - 0.01, y0 + 0.01];
    const yr = yMax !== undefined && padded[1] > yMax ? [padded[0] - (padded[1] - Math.max(yMax, y1)), Math.max(yMax, y1)] : padded;
    const sx = (x: number) => PAD.left + ((x - xr[0]) / (xr[1] - xr[0])) * (W - PAD.left - PAD.right);
    const sy = (y: number) => H - PAD.bottom - ((y - yr[0]) / (yr[1] - yr[0])) * (H - PAD.top - PAD.bottom);
    return { front, sx, sy, xs: xr, ys: yr };
  }, [points, yMax]);
  const frontLine = points
    .filter((p) => front.has(p.key))
    .sort((a, b) => a.x - b.x)
    .map((p) => `${sx(p.x)},${sy(p.y)}`)
    .join(' ');
  if (!points.length) return <p className="muted">No candidate has finished yet.</p>;
  return (
    <figure className="chart" data-testid={testId}>
      <svg viewBox={`0 0 ${W} ${H}`} className="live-chart scatter" role="group" aria-label={`${yLabel} against ${xLabel}; the Pareto front is highlighted`}>
        <rect className="plot-area" x={PAD.left} y={PAD.top} width={W - PAD.left - PAD.right} height={H - PAD.top - PAD.bottom} />
        <text className="axis-label" x={PAD.left} y={H - 8}>{formatX(xs[0])}</text>
        <text className="axis-label" x={W - PAD.right} y={H - 8} textAnchor="end">{formatX(xs[1])}</text>
        <text className="axis-label" x={(W + PAD.left) / 2} y={H - 8} textAnchor="middle">{xLabel} →</text>
        <text className="axis-label" x={4} y={PAD.top + 10}>{formatY(ys[1])}</text>
        <text className="axis-label" x={4} y={H - PAD.bottom}>{formatY(ys[0])}</text>
        <text className="axis-label" x={4} y={H / 2}>{yLabel}</text>
        {frontLine ? <polyline className="front-line" points={frontLine} fill="none" stroke="#d55e00" strokeWidth={1.5} strokeDasharray="4 3" /> : null}
        {points.map((p) => {
          const onFront = front.has(p.key);
          const cx = sx(p.x);
          const cy = sy(p.y);
          const common = {
            role: 'button',
            tabIndex: 0,
            'aria-label': `${p.label}${onFront ? ' (on the Pareto front)' : ''}`,
            'aria-pressed': selected === p.key,
            'data-testid': p.kind === 'reference' ? 'scatter-reference' : 'scatter-point',
            'data-front': onFront ? 'true' : 'false',
            className: `point ${p.kind}${onFront ? ' front' : ''}${selected === p.key ? ' selected' : ''}`,
            onClick: () => onSelect?.(p.key),
            onKeyDown: (e: React.KeyboardEvent) => {
              if (e.key === 'Enter' || e.key === ' ') {
                e.preventDefault();
                onSelect?.(p.key);
              }
            },
          };
          return p.kind === 'reference' ? (
            <rect key={p.key} {...common} x={cx - 5} y={cy - 5} width={10} height={10} fill="#555" transform={`rotate(45 ${cx} ${cy})`}>
              <title>{p.label}</title>
            </rect>
          ) : (
            <circle key={p.key} {...common} cx={cx} cy={cy} r={p.kind === 'final' ? 6 : 4.5} fill={onFront ? '#d55e00' : '#0072b2'} fillOpacity={onFront ? 1 : 0.55} stroke={selected === p.key ? 'currentColor' : p.kind === 'final' ? '#000' : 'none'} strokeWidth={2}>
              <title>{p.label}</title>
            </circle>
          );
        })}
      </svg>
      <figcaption className="legend">
        <span><span className="swatch" style={{ background: '#d55e00' }} /> Pareto front</span>
        <span><span className="swatch" style={{ background: '#0072b2', opacity: 0.55 }} /> other candidates</span>
        <span>◯ with a black ring: retrained with the full budget</span>
        <span>◆ the open model</span>
      </figcaption>
    </figure>
  );
}
