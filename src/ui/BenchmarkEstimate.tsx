import type { BackendName } from '../backend/types';
import { formatDuration, planBenchmark } from '../engine/metrics/latency-plan/meta';
import { useStore, selectCurrentModel, selectDevice } from '../store/store';

/** What a benchmark will cost, said before Run: total, slow cells, a software GPU, the budget. */
export function BenchmarkEstimate({ backends, batchSizes, samples, cellBudgetMs }: { backends: BackendName[]; batchSizes: number[]; samples: number; cellBudgetMs: number }) {
  const model = useStore(selectCurrentModel);
  const device = useStore(selectDevice);
  if (!model || backends.length === 0 || batchSizes.length === 0) return null;
  const plan = planBenchmark({ flops: model.summary.flops, backends, batchSizes, samples, cellBudgetMs, device });
  return (
    <div className="bench-estimate" data-testid="benchmark-estimate">
      <p>
        Estimated time: <strong data-testid="benchmark-estimate-total">≈ {formatDuration(plan.totalMs)}</strong> for {plan.cells.length}{' '}
        {plan.cells.length === 1 ? 'cell' : 'cells'} (backend × batch), each stopped after {formatDuration(cellBudgetMs)} at most.
      </p>
      {plan.warnings.map((w) => (
        <p key={w} className="warning" role="status" data-testid="benchmark-warning">
          ⚠ {w}
        </p>
      ))}
    </div>
  );
}
