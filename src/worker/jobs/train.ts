import { BonsaiError } from '../../engine/errors';
import { disposeFitted, fitDataset } from '../../engine/pipeline/fit-data';
import { cloneLayersModel, serializeLayersModel } from '../../engine/model/serialize';
import { trainModel, type TrainConfig, type TrainHistory } from '../../engine/train/loop';
import type { DatasetId, ModelId, ModelInfo } from '../protocol';
import { getDataset } from '../datasets';
import { getModel } from '../models';
import type { JobContext } from './context';
import { reportTrainProgress } from '../../engine/train/progress';
import { keepVariant } from './keep-results';
import type { VariantRecord } from '../../share/records';

/**
 * Train (or fine-tune) a copy of a LayersModel on a dataset with the one training loop. The result
 * is a new model in the library whose parent is the model it started from; the original is untouched.
 */
export async function runTrain(
  modelId: ModelId,
  datasetId: DatasetId,
  config: TrainConfig,
  name: string | undefined,
  ctx: JobContext,
): Promise<{ model: ModelInfo; history: TrainHistory; record?: VariantRecord }> {
  const parent = getModel(modelId);
  const { loaded, info } = parent;
  if (loaded.format !== 'layers') {
    throw new BonsaiError(
      'JOB_FAILED',
      `${info.name} is a GraphModel, which TF.js can run but not train.`,
      'Train a LayersModel; a GraphModel can still be benchmarked, evaluated and used as a reference.',
    );
  }
  const dataset = getDataset(datasetId);
  // Validation is carved from the train split: the test split is never what training watches.
  const fitted = await fitDataset(loaded, dataset, { needLabels: true });
  let student;
  let history: TrainHistory;
  let files;
  try {
    student = await cloneLayersModel(loaded.model);
    if (!fitted.data.train) throw new BonsaiError('NO_TRAINING_DATA', `"${dataset.name}" has no training examples.`, 'Load a dataset with a training split.');
    history = await trainModel(
      student,
      { train: fitted.data.train, validation: fitted.data.validation },
      config,
      {
        signal: ctx.signal,
        onProgress: reportTrainProgress(ctx, 'Training'),
      },
    );
    files = await serializeLayersModel(student);
    student.dispose();
    student = undefined;
    const step = `trained ${config.epochs} epoch${config.epochs === 1 ? '' : 's'} on ${dataset.name}`;
    // Measured and saved like any variant: its card (test accuracy, latency) survives a reload.
    const kept = await keepVariant(
      parent,
      { files, name: 'trained', step, perLayer: [], notes: [], history },
      { stepIndex: 0, final: true, steps: [{ technique: 'train', config }], step },
      fitted,
      { name: name ?? `${info.name} · trained` },
      ctx,
    );
    if (kept.kind !== 'variant' || !kept.model) throw new BonsaiError('INTERNAL', 'Error in train: the trained model was not opened.');
    if (kept.storageError) kept.model.storageError = kept.storageError;
    return { model: kept.model, history, record: kept.record };
  } finally {
    student?.dispose();
    disposeFitted(fitted);
  }
}
