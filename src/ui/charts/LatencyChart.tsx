import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { LatencyResult } from '../../engine/metrics/latency-types';
import { PALETTE } from './palette';

/** Warm median and p90 per inference, one group per (backend, batch). */
export function LatencyChart({ runs }: { runs: LatencyResult[] }) {
  const data = runs.map((r) => ({
    name: `${r.backend} · batch ${r.batchSize}`,
    median: Number(r.medianMs.toFixed(3)),
    p90: Number(r.p90Ms.toFixed(3)),
  }));
  return (
    <figure className="chart" aria-label="Latency per inference (ms)" data-testid="latency-chart">
      <ResponsiveContainer width="100%" height={260}>
        <BarChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" opacity={0.4} />
          <XAxis dataKey="name" />
          <YAxis unit=" ms" width={72} />
          <Tooltip />
          <Legend />
          <Bar dataKey="median" name="warm median (ms)" fill={PALETTE[0]} isAnimationActive={false} />
          <Bar dataKey="p90" name="p90 (ms)" fill={PALETTE[1]} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
      <figcaption className="muted">Per inference, read-back included; ≥30 timed samples after warm-up.</figcaption>
    </figure>
  );
}
