import { datasetFitProblem, type DatasetFitProblem } from '../engine/data/meta';
import { useStore, selectCurrentDataset, selectCurrentModel } from '../store/store';

/** Why the chosen dataset cannot feed the open model (input size or class count), or null. */
export function useDatasetFit(): DatasetFitProblem | null {
  const model = useStore(selectCurrentModel);
  const dataset = useStore(selectCurrentDataset);
  return model && dataset ? datasetFitProblem(model.summary, dataset.summary) : null;
}

/** Shown on every tab that runs on the dataset, before the run: what does not fit and what to do. */
export function DatasetFitWarning() {
  const problem = useDatasetFit();
  if (!problem) return null;
  return (
    <p className="warning" role="status" data-testid="dataset-fit-warning" data-kind={problem.kind}>
      ⚠ {problem.message} {problem.hint}
    </p>
  );
}
