import { useDeferredValue, useEffect, useState } from 'react';
import { evaluateCurrent } from '../store/data-actions';
import { useStore, selectCurrentDataset, selectCurrentEvaluation, selectCurrentModel, selectJob } from '../store/store';
import { ConfusionMatrix } from './ConfusionMatrix';
import { DatasetFitWarning, useDatasetFit } from './DatasetFitWarning';
import { JobProgress } from './JobProgress';
import { ModelRefSelect, parseRefKey, refKey } from './ModelRefSelect';
import { formatCount } from './format';

const selectEvaluateJob = selectJob('evaluate');

/** Accuracy on the test split (with labels) and fidelity against a reference model (with or without). */
export function EvaluatePanel() {
  const model = useStore(selectCurrentModel);
  const dataset = useStore(selectCurrentDataset);
  const evaluation = useDeferredValue(useStore(selectCurrentEvaluation));
  const job = useStore(selectEvaluateJob);
  const [reference, setReference] = useState('');
  useEffect(() => setReference(refKey(model?.parent?.ref)), [model?.parent?.ref]);

  const misfit = useDatasetFit();
  const canRun = !!model && !!dataset && !job && !misfit && (dataset.summary.labeled || !!reference);
  return (
    <section aria-labelledby="evaluate-title" data-testid="evaluate-panel">
      <h2 id="evaluate-title">Evaluate</h2>
      <p className="muted">
        Accuracy is top-1 on the test split of <strong>{dataset?.summary.name ?? 'the dataset'}</strong>. Fidelity compares this model
        with a reference on the same inputs (top-1 agreement and mean KL), so it works without labels too.
      </p>
      <DatasetFitWarning />
      <form
        className="options"
        onSubmit={(e) => {
          e.preventDefault();
          if (canRun) void evaluateCurrent(parseRefKey(reference));
        }}
      >
        <ModelRefSelect label="Fidelity reference" value={reference} onChange={setReference} noneLabel="None (accuracy only)" />
        <button type="submit" className="primary" disabled={!canRun}>
          Evaluate
        </button>
      </form>
      {dataset && !dataset.summary.labeled && !reference ? <p className="warning">This dataset has no labels: pick a reference model to measure fidelity.</p> : null}
      {job ? <JobProgress job={job} /> : null}
      {evaluation ? (
        <div data-testid="evaluation-result">
          <div className="totals">
            {evaluation.accuracy ? (
              <div className="total">
                <span className="total-label">Accuracy ({formatCount(evaluation.accuracy.count)} test examples)</span>
                <span className="total-value" data-testid="eval-accuracy">
                  {(evaluation.accuracy.accuracy * 100).toFixed(2)}%
                </span>
              </div>
            ) : null}
            {evaluation.fidelity ? (
              <>
                <div className="total">
                  <span className="total-label">Top-1 agreement with {evaluation.fidelity.referenceName}</span>
                  <span className="total-value" data-testid="eval-agreement">
                    {(evaluation.fidelity.agreement * 100).toFixed(2)}%
                  </span>
                </div>
                <div className="total">
                  <span className="total-label">Mean KL(reference ‖ model)</span>
                  <span className="total-value" data-testid="eval-kl">
                    {evaluation.fidelity.meanKL.toExponential(2)}
                  </span>
                </div>
              </>
            ) : null}
          </div>
          {evaluation.accuracy && dataset ? (
            <>
              <h3>Per-class accuracy</h3>
              <table className="table" data-testid="per-class">
                <tbody>
                  {evaluation.accuracy.perClassAccuracy.map((a, i) => (
                    <tr key={i}>
                      <th scope="row">{dataset.summary.classNames[i] ?? i}</th>
                      <td className="num">{(a * 100).toFixed(1)}%</td>
                      <td className="bar-cell">
                        <span className="bar" style={{ width: `${a * 100}%` }} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <h3>Confusion matrix</h3>
              <ConfusionMatrix matrix={evaluation.accuracy.confusion} classNames={dataset.summary.classNames} />
            </>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
