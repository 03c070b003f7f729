import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { PALETTE } from './palette';

type Row = { layer: string } & Record<string, number | string | null>;

/** One bar group per layer for the numeric columns chosen (e.g. sparsity, bits, SQNR). */
export function PerLayerChart({ rows, keys, title }: { rows: Row[]; keys: string[]; title: string }) {
  return (
    <figure className="chart" aria-label={title} data-testid="per-layer-chart">
      <ResponsiveContainer width="100%" height={240}>
        <BarChart data={rows} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" opacity={0.4} />
          <XAxis dataKey="layer" />
          <YAxis width={56} />
          <Tooltip />
          <Legend />
          {keys.map((k, i) => (
            <Bar key={k} dataKey={k} fill={PALETTE[i % PALETTE.length]} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
      <figcaption className="muted">{title}</figcaption>
    </figure>
  );
}
