import type { BenchmarkResult } from '../worker/protocol';
import { formatDuration } from '../engine/metrics/latency-plan/meta';
import { formatMs } from './format';

/** The latency table: one row per measured cell (samples stated when a budget cut them), then cancelled cells. */
export function BenchmarkRows({ result }: { result: BenchmarkResult }) {
  return (
    <table className="table">
      <thead>
        <tr>
          <th scope="col">Backend</th>
          <th scope="col" className="num">Batch</th>
          <th scope="col" className="num">Cold (first run)</th>
          <th scope="col" className="num">Warm median</th>
          <th scope="col" className="num">p90</th>
          <th scope="col" className="num">Per image</th>
          <th scope="col" className="num">Samples × K</th>
        </tr>
      </thead>
      <tbody>
        {result.runs.map((r) => (
          <tr key={`${r.backend}-${r.batchSize}`} data-testid="latency-row" data-status={r.cutByBudget ? 'budget' : 'done'} data-backend={r.backend} data-batch={r.batchSize} data-median-ms={r.medianMs}>
            <td>{r.backend}</td>
            <td className="num">{r.batchSize}</td>
            <td className="num">{formatMs(r.coldMs)}</td>
            <td className="num" data-testid="latency-median">{formatMs(r.medianMs)}</td>
            <td className="num">{formatMs(r.p90Ms)}</td>
            <td className="num">{formatMs(r.medianMs / r.batchSize)}</td>
            <td className="num" data-testid="latency-samples">
              {r.cutByBudget ? (
                <span title={`The cell's ${formatDuration(r.cutByBudget.budgetMs)} time budget ran out: fewer samples (and ${r.warmupRuns} warm-up runs) than asked.`}>
                  {r.samplesMs.length} of {r.requestedSamples ?? r.samplesMs.length} (time budget {formatDuration(r.cutByBudget.budgetMs)})
                </span>
              ) : (
                r.samplesMs.length
              )}{' '}
              × {r.k}
            </td>
          </tr>
        ))}
        {result.cancelled?.cells.map((c) => (
          <tr key={`${c.backend}-${c.batchSize}-cancelled`} data-testid="latency-row" data-status="cancelled" data-backend={c.backend} data-batch={c.batchSize}>
            <td>{c.backend}</td>
            <td className="num">{c.batchSize}</td>
            <td colSpan={5} className="muted">cancelled</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
