/**
 * Train one candidate from its layer list and seed: the part of a candidate's evaluation a pool
 * member does (in this worker or another one). The same layers, seed, data and settings give the
 * same weights wherever it runs (one thread on wasm or cpu).
 */
import type * as tf from '@tensorflow/tfjs-core';
import { seededShift } from '../../data/augment';
import type { DatasetSplit } from '../../data/types';
import type { InputFile } from '../../model/types';
import { serializeLayersModel } from '../../model/serialize';
import { loadPrepared } from '../../model/load';
import { prepareModel } from '../../model/validate';
import { BonsaiError } from '../../errors';
import { trainModel } from '../../train/loop';
import type { TrainSettings } from '../../train/meta';
import { buildModel } from './build';
import type { LayerSpec } from './layers';
import type { PauseGate } from './pause-gate';

export interface TrainJob {
  /** The architecture to build with seeded weights (empty when `init` is given). */
  layers: LayerSpec[];
  /** A model to start from instead (a cut of the reference keeps its weights), as TF.js files. */
  init?: InputFile[];
  /** Per-example input shape. */
  dataShape: number[];
  /** Build seed and training settings (epochs, batch size, optimizer, seed). */
  seed: number;
  settings: TrainSettings;
  /** Cap on batches per epoch (a candidate trained on part of the split); absent: the whole split. */
  maxBatchesPerEpoch?: number;
  /** Shift each training image by up to this many pixels (seeded per step; image data only). */
  shiftPx?: number;
}

export interface TrainJobResult {
  curve: { epoch: number; valAccuracy: number | null; loss: number }[];
  files: InputFile[];
}

export interface TrainJobProgress {
  epoch: number;
  epochs: number;
  loss: number;
}

export async function trainCandidate(
  job: TrainJob,
  data: { train: DatasetSplit; validation: DatasetSplit },
  options: { signal?: AbortSignal; onProgress?(p: TrainJobProgress): void; gate?: PauseGate } = {},
): Promise<TrainJobResult> {
  const model = job.init ? await loadInit(job.init) : buildModel(job.layers, job.dataShape, job.seed);
  try {
    const { gate } = options;
    const shift = job.shiftPx && data.train.xs.rank === 4 ? job.shiftPx : 0;
    const seed = job.settings.seed;
    const history = await trainModel(model, data, { ...job.settings, ...(job.maxBatchesPerEpoch ? { maxBatchesPerEpoch: job.maxBatchesPerEpoch } : {}) }, {
      signal: options.signal,
      onProgress: (p) => options.onProgress?.({ epoch: p.epoch, epochs: p.epochs, loss: p.loss }),
      hooks: {
        ...(gate ? { afterStep: () => gate.step() } : {}),
        ...(shift ? { augment: (xs: tf.Tensor, step: number) => seededShift(xs, step, seed, shift) } : {}),
      },
    });
    return {
      curve: history.epochs.map((e) => ({ epoch: e.epoch, valAccuracy: e.valAccuracy ?? null, loss: e.loss })),
      files: await serializeLayersModel(model),
    };
  } finally {
    model.dispose();
  }
}

async function loadInit(files: InputFile[]) {
  const loaded = await loadPrepared(prepareModel(files));
  if (loaded.format !== 'layers') throw new BonsaiError('INTERNAL', 'Error in search: a candidate\'s starting weights did not load as a LayersModel.');
  return loaded.model;
}
