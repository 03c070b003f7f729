import { checkDatasetFits } from '../../engine/data/adapt';
import { summarizeDataset } from '../../engine/data/types';
import { disposeFitted, fitDataset } from '../../engine/pipeline/fit-data';
import { evaluateAccuracy } from '../../engine/metrics/accuracy';
import { evaluateFidelity } from '../../engine/metrics/fidelity';
import { disposeLoaded } from '../../engine/model/load';
import { BonsaiError } from '../../engine/errors';
import type { Evaluation, ModelId, DatasetId, ModelRef } from '../protocol';
import { getDataset } from '../datasets';
import { getModel } from '../models';
import type { JobContext } from './context';
import { loadRef } from '../resolve-model';

/**
 * Accuracy on the test split when the dataset has labels, and fidelity (top-1 agreement and
 * KL) against a reference model when one is given — the measure that needs no labels.
 */
export async function runEvaluate(modelId: ModelId, datasetId: DatasetId, reference: ModelRef | undefined, ctx: JobContext): Promise<Evaluation> {
  const { loaded } = getModel(modelId);
  const dataset = getDataset(datasetId);
  const summary = summarizeDataset(dataset);
  const labeled = summary.labeled;
  const fitted = await fitDataset(loaded, dataset, { strict: true, carve: false });
  // The test split when there is one (an unlabeled set may have only a train split).
  const split = fitted.test ?? fitted.data.train;
  try {
    if (!split) throw new BonsaiError('NO_TRAINING_DATA', `"${dataset.name}" has no examples to evaluate on.`, 'Load a dataset with examples.');
    const xs = split.xs;
    const evaluation: Evaluation = { modelId, datasetId, datasetName: dataset.name };
    if (labeled && split.ys) {
      checkDatasetFits(loaded, summary, true);
      evaluation.accuracy = await evaluateAccuracy(
        loaded,
        { xs, ys: split.ys, count: split.count },
        { signal: ctx.signal, onProgress: (done, total) => ctx.progress('Measuring accuracy', done, total) },
      );
    }
    if (reference) {
      const ref = await loadRef(reference, ctx);
      try {
        const fidelity = await evaluateFidelity(ref.loaded, loaded, xs, {
          signal: ctx.signal,
          onProgress: (done, total) => ctx.progress(`Comparing with ${ref.name}`, done, total),
        });
        evaluation.fidelity = { ...fidelity, referenceName: ref.name };
      } finally {
        disposeLoaded(ref.loaded);
      }
    }
    return evaluation;
  } finally {
    disposeFitted(fitted);
  }
}
