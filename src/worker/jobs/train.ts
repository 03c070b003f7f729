import type * as tf from '@tensorflow/tfjs-core';
import { checkDatasetFits, reshapeForModel } from '../../engine/data/adapt';
import { summarizeDataset } from '../../engine/data/types';
import { BonsaiError } from '../../engine/errors';
import { cloneLayersModel, serializeLayersModel } from '../../engine/model/serialize';
import { trainModel, type TrainConfig, type TrainHistory } from '../../engine/train/loop';
import type { DatasetId, ModelId, ModelInfo } from '../protocol';
import { getDataset } from '../datasets';
import { getModel } from '../models';
import type { JobContext } from './context';
import { reportTrainProgress } from '../../engine/train/progress';
import { openFromFiles } from './import';

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
): Promise<{ model: ModelInfo; history: TrainHistory }> {
  const { loaded, info } = getModel(modelId);
  if (loaded.format !== 'layers') {
    throw new BonsaiError(
      'JOB_FAILED',
      `${info.name} is a GraphModel, which TF.js can run but not train.`,
      'Train a LayersModel; a GraphModel can still be benchmarked, evaluated and used as a reference.',
    );
  }
  const dataset = getDataset(datasetId);
  const shape = checkDatasetFits(loaded, summarizeDataset(dataset), true);
  const student = await cloneLayersModel(loaded.model);
  const owned: tf.Tensor[] = [];
  const fit = (xs: tf.Tensor) => {
    const r = reshapeForModel(xs, shape);
    if (r !== xs) owned.push(r);
    return r;
  };
  let history: TrainHistory;
  let files;
  try {
    history = await trainModel(
      student,
      {
        train: { xs: fit(dataset.train.xs), ys: dataset.train.ys, count: dataset.train.count },
        validation: dataset.test.count > 0 ? { xs: fit(dataset.test.xs), ys: dataset.test.ys, count: dataset.test.count } : undefined,
      },
      config,
      {
        signal: ctx.signal,
        onProgress: reportTrainProgress(ctx, 'Training'),
      },
    );
    files = await serializeLayersModel(student);
  } finally {
    student.dispose();
    for (const t of owned) t.dispose();
  }
  const step = `trained ${config.epochs} epoch${config.epochs === 1 ? '' : 's'} on ${dataset.name}`;
  const { model } = await openFromFiles(
    files,
    {
      name: name ?? `${info.name} · trained`,
      sourceKind: 'files',
      label: `${info.name}, ${step}`,
      save: true,
      parent: info.ref ? { ref: info.ref, name: info.name, step } : undefined,
    },
    ctx,
  );
  return { model, history };
}
