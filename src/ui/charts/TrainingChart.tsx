import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { MetricPoint } from '../../worker/protocol';
import { PALETTE } from './palette';

/** Live training curve: loss per step, and validation accuracy per epoch on a second axis. */
export function TrainingChart({ points }: { points: MetricPoint[] }) {
  const loss = points.filter((p) => p.series === 'loss').map((p) => ({ step: p.x, loss: p.y }));
  const val = points.filter((p) => p.series === 'validation accuracy');
  return (
    <figure className="chart" aria-label="Training loss" data-testid="training-chart">
      <ResponsiveContainer width="100%" height={220}>
        <LineChart data={loss} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" opacity={0.4} />
          <XAxis dataKey="step" type="number" domain={['dataMin', 'dataMax']} />
          <YAxis width={56} />
          <Tooltip />
          <Legend />
          <Line dataKey="loss" name="training loss" stroke={PALETTE[0]} dot={false} isAnimationActive={false} />
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
