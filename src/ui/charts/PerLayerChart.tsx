import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { isFractionKey } from './fractions';
import { PALETTE } from './palette';
import { formatTick } from '../format';

type Row = { layer: string } & Record<string, number | string | null>;

/** Longest layer name drawn under a bar; the full name is in the tick's tooltip and the table. */
const MAX_TICK_CHARS = 14;

export const truncateName = (name: string, max = MAX_TICK_CHARS) => (name.length <= max ? name : `${name.slice(0, max - 1)}…`);

/** An x tick that never runs into its neighbour: cut to a few characters, the full name on hover. */
function LayerTick({ x, y, payload }: { x?: number; y?: number; payload?: { value: string } }) {
  const name = String(payload?.value ?? '');
  return (
    <text x={x} y={(y ?? 0) + 12} textAnchor="middle" fontSize={11} fill="currentColor" data-testid="layer-tick">
      <title>{name}</title>
      {truncateName(name)}
    </text>
  );
}

const asPercent = (v: number) => `${Math.round(v * 100)}%`;

/**
 * One bar group per layer for the numeric columns chosen (e.g. sparsity, bits, SQNR). A 0–1
 * fraction never shares an axis with counts (a removed share of 0.5 is invisible beside 300
 * units): fractions get their own axis on the right, 0–100%.
 */
export function PerLayerChart({ rows, keys, title }: { rows: Row[]; keys: string[]; title: string }) {
  const fractions = keys.filter(isFractionKey);
  const counts = keys.filter((k) => !isFractionKey(k));
  const both = fractions.length > 0 && counts.length > 0;
  return (
    <figure className="chart" aria-label={title} data-testid="per-layer-chart">
      <ResponsiveContainer width="100%" height={260}>
        <BarChart data={rows} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" opacity={0.4} />
          <XAxis dataKey="layer" interval={0} tick={<LayerTick />} height={30} />
          {counts.length ? <YAxis yAxisId="count" width={56} tickFormatter={formatTick} /> : null}
          {fractions.length ? (
            <YAxis yAxisId="fraction" orientation={both ? 'right' : 'left'} domain={[0, 1]} tickFormatter={asPercent} width={48} />
          ) : null}
          <Tooltip formatter={(v, name) => (typeof v === 'number' && isFractionKey(String(name)) ? asPercent(v) : v)} />
          <Legend />
          {keys.map((k, i) => (
            <Bar
              key={k}
              yAxisId={isFractionKey(k) ? 'fraction' : 'count'}
              dataKey={k}
              name={isFractionKey(k) && both ? `${k} (right axis, %)` : k}
              fill={PALETTE[i % PALETTE.length]}
              isAnimationActive={false}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
      <figcaption className="muted">{title}</figcaption>
    </figure>
  );
}
