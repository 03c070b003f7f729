import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

/** One probe of a sensitivity scan report (a prune 'sensitivity' analysis row). */
export interface SensitivityPoint {
  layer: string;
  ratio: number;
  metric: number;
  metricName: string;
}
import { PALETTE } from './palette';

/** One line per layer: the metric when that layer alone is pruned to each ratio (no fine-tuning). */
export function SensitivityChart({ rows }: { rows: SensitivityPoint[] }) {
  const layers = [...new Set(rows.map((r) => r.layer))];
  const metricName = rows[0]?.metricName ?? 'accuracy';
  return (
    <figure className="chart" aria-label="Sensitivity scan" data-testid="sensitivity-chart">
      <ResponsiveContainer width="100%" height={260}>
        <LineChart margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" opacity={0.4} />
          <XAxis dataKey="ratio" type="number" domain={[0, 1]} name="fraction pruned" />
          <YAxis width={56} domain={['auto', 1]} />
          <Tooltip />
          <Legend />
          {layers.map((layer, i) => (
            <Line
              key={layer}
              data={rows.filter((r) => r.layer === layer).sort((a, b) => a.ratio - b.ratio)}
              dataKey="metric"
              name={layer}
              stroke={PALETTE[i % PALETTE.length]}
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
      <figcaption className="muted">
        {metricName === 'accuracy' ? 'Validation accuracy' : 'Agreement with the unpruned model'} with one layer pruned at a time, no fine-tuning.
      </figcaption>
    </figure>
  );
}
