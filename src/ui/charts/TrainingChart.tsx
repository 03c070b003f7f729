import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { MetricPoint } from '../../worker/protocol';
import { PALETTE } from './palette';

/**
 * Live chart of what a job streams: one line per series (training loss by step, sparsity as the
 * schedule ramps up, …). Validation accuracy comes once per epoch and is listed under the chart.
 */
export function TrainingChart({ points }: { points: MetricPoint[] }) {
  const val = points.filter((p) => p.series === 'validation accuracy');
  const series = [...new Set(points.map((p) => p.series))].filter((s) => s !== 'validation accuracy');
  return (
    <figure className="chart" aria-label="Job progress chart" data-testid="training-chart">
      <ResponsiveContainer width="100%" height={220}>
        <LineChart margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" opacity={0.4} />
          <XAxis dataKey="x" type="number" domain={['dataMin', 'dataMax']} name="step" allowDuplicatedCategory={false} />
          <YAxis width={56} />
          <Tooltip />
          <Legend />
          {series.map((s, i) => (
            <Line
              key={s}
              data={points.filter((p) => p.series === s)}
              dataKey="y"
              name={s}
              stroke={PALETTE[i % PALETTE.length]}
              dot={false}
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
      <figcaption className="muted">
        {val.length > 0
          ? `Validation accuracy by epoch: ${val.map((p) => `${(p.y * 100).toFixed(1)}%`).join(' → ')}`
          : 'Validation accuracy appears after each epoch.'}
      </figcaption>
    </figure>
  );
}
