/**
 * Quantization-aware training (Jacob et al., 2018): fine-tune a clone of the model through the
 * shared training loop with every kernel fake-quantized in the forward pass — per-tensor affine
 * with zero exact (fake-quant.ts), 8 or 4 bits — and straight-through gradients (the loop's
 * `transformWeight` hook with `transformGradient: 'straight-through'`): the optimizer keeps
 * updating the float weights while the loss is that of the quantized ones.
 *
 * Export: the kernels are snapped onto their grid and written by the weight encoder as uint8.
 * For 8 bits the encoder's grid is the QAT grid (same nudged affine rule), so the stored weights
 * are the trained ones. For 4 bits the snapped kernel has at most 16 distinct values, which the
 * uint8 encoder stores as at most 16 distinct bytes (TF.js has no 4-bit dtype): the download is
 * uint8-sized, gzip sees ≤ 16 symbols per kernel. Biases and BatchNormalization stay float32.
 */
import { reportTrainProgress } from '../../train/progress';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { BonsaiError } from '../../errors';
import { cloneLayersModel } from '../../model/serialize';
import { trainModel } from '../../train/loop';
import type { TrainConfig, TrainHistory } from '../../train/types';
import type { TechniqueContext, TechniqueData, MethodRun } from '../types';
import { exportKernelsAt } from './export-kernels';
import { fakeQuantAffine, isQuantizedKernel } from './fake-quant';
import { DEQUANTIZE_ON_LOAD_NOTE, type QatConfig, type TrainSettings } from './meta';

const OP = 'quantization-aware training';

/** Snap every kernel of `model` onto its `bits`-bit affine grid, in place. */
export function snapKernels(model: LayersModel, bits: number): void {
  for (const w of model.weights) {
    if (isQuantizedKernel(w.originalName, w.shape as number[])) tf.tidy(() => void w.write(fakeQuantAffine(w.read(), bits)));
  }
}

/**
 * Fine-tune `model` in place with fake-quantized kernels (STE). Afterwards its weights are the
 * float "shadow" weights; call snapKernels to get the quantized model.
 */
export async function trainQuantAware(model: LayersModel, bits: number, data: TechniqueData, settings: TrainSettings, ctx: Pick<TechniqueContext, 'signal' | 'progress'>): Promise<TrainHistory> {
  if (!data.train || data.train.count < 1) {
    throw new BonsaiError('DATASET_UNAVAILABLE', `Error in ${OP}: there is no training data; QAT fine-tunes the model on it.`,
      'Load a labelled dataset (or use post-training quantization, which needs no data).');
  }
  const config: TrainConfig = { ...settings };
  return trainModel(model, { train: data.train, validation: data.validation }, config, {
    signal: ctx.signal,
    onProgress: reportTrainProgress(ctx, 'quantization-aware training'),
    hooks: {
      transformWeight: (w) => (isQuantizedKernel(w.originalName, w.shape as number[]) ? (t: tf.Tensor) => fakeQuantAffine(t, bits) : null),
      transformGradient: 'straight-through',
    },
  });
}

export const runQAT: MethodRun<QatConfig> = async (input, config, data, ctx) => {
  if (input.format !== 'layers') {
    throw new BonsaiError('NOT_TRAINABLE', `Error in ${OP}: only a LayersModel can be trained; this is a GraphModel.`,
      'Use post-training quantization (ptq) for GraphModels.');
  }
  if (config.bits !== 8 && config.bits !== 4) {
    throw new BonsaiError('BAD_CONFIG', `Error in ${OP}: bits must be 8 or 4, got ${JSON.stringify(config.bits)}.`);
  }
  const model = await cloneLayersModel(input.model);
  try {
    const history = await trainQuantAware(model, config.bits, data, config.fineTune, ctx);
    snapKernels(model, config.bits);
    const files = await exportKernelsAt(model, 'uint8');
    const last = history.epochs[history.epochs.length - 1];
    return {
      files,
      name: `QAT ${config.bits}-bit`,
      step: `quantization-aware training, ${config.bits}-bit per-tensor kernels (STE), ${history.epochs.length} epoch(s) fine-tune`,
      perLayer: model.layers.flatMap((l) => l.weights.filter((w) => isQuantizedKernel(w.originalName, w.shape as number[]))
        .map((w) => ({ layer: l.name, weight: w.originalName, bits: config.bits, levels: 2 ** config.bits }))),
      notes: [
        ...(last?.valAccuracy !== undefined ? [`Validation accuracy with ${config.bits}-bit kernels after fine-tuning: ${(100 * last.valAccuracy).toFixed(1)}%.`] : []),
        config.bits === 4
          ? 'TF.js has no 4-bit dtype: kernels are stored as uint8 bytes holding at most 16 distinct values each, so gzip (the download) shrinks them toward 4 bits a weight.'
          : 'Kernels stored as uint8 on exactly the grid they were trained on.',
        'Biases and BatchNormalization parameters stay float32.',
        DEQUANTIZE_ON_LOAD_NOTE,
      ],
      history,
    };
  } finally {
    model.dispose();
  }
};
