/**
 * The 'equalize' method: cross-layer equalization, then the weight encoder at `then` precision,
 * then (optionally) empirical bias correction on a calibration batch and a re-encode.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { BonsaiError } from '../../errors';
import { disposeLoaded, loadPrepared } from '../../model/load';
import { prepareModel } from '../../model/validate';
import type { LayerReportRow, MethodRun } from '../types';
import { biasCorrection, type BiasCorrectionRow } from './bias-correction';
import { calibrationInputs } from './calibration-set';
import { equalizeModel } from './equalize';
import { kernelOf } from './equalize-pairs';
import { exportKernelsAt } from './export-kernels';
import { DEQUANTIZE_ON_LOAD_NOTE, type EqualizeConfig } from './meta';

/** Examples used for bias correction (one batch through both models, layer by layer). */
export const BIAS_CORRECTION_EXAMPLES = 256;

function kernelRanges(model: LayersModel): Map<string, [number, number]> {
  const out = new Map<string, [number, number]>();
  for (const layer of model.layers) {
    const k = kernelOf(layer);
    if (!k) continue;
    const mm = tf.tidy(() => tf.stack([tf.min(k.read()), tf.max(k.read())]).dataSync());
    out.set(layer.name, [mm[0], mm[1]]);
  }
  return out;
}

export const runEqualize: MethodRun<EqualizeConfig> = async (input, config, data, ctx) => {
  if (input.format !== 'layers') {
    throw new BonsaiError('BAD_CONFIG', 'Error in cross-layer equalization: it rescales layer weights, so it needs a LayersModel; this is a GraphModel.',
      'Use weight quantization (per-tensor uint8/float16) for GraphModels.');
  }
  const calibration = config.biasCorrection ? calibrationInputs(data.train, input.model, BIAS_CORRECTION_EXAMPLES, 'bias correction') : null;
  ctx.progress('equalize', 0, 3, undefined);
  const eq = await equalizeModel(input.model, ctx.signal);
  try {
    ctx.progress('quantize', 1, 3, undefined);
    let files = await exportKernelsAt(eq.model, config.then);
    let corrections: BiasCorrectionRow[] = [];
    if (calibration) {
      ctx.progress('bias correction', 2, 3, undefined);
      const quantized = await loadPrepared(prepareModel(files));
      try {
        corrections = biasCorrection(eq.model, quantized.model as LayersModel, calibration);
        files = await exportKernelsAt(quantized.model as LayersModel, config.then);
      } finally {
        disposeLoaded(quantized);
      }
    }
    ctx.progress('done', 3, 3, undefined);
    const before = kernelRanges(input.model);
    const after = kernelRanges(eq.model);
    const shift = new Map(corrections.map((c) => [c.layer, c.meanAbsShift]));
    const perLayer: LayerReportRow[] = [...before].map(([layer, [minBefore, maxBefore]]) => {
      const [minAfter, maxAfter] = after.get(layer) ?? [minBefore, maxBefore];
      const pair = eq.pairs.find((p) => p.first === layer);
      return {
        layer, minBefore, maxBefore, minAfter, maxAfter,
        equalizedWith: pair?.second ?? null,
        biasShift: shift.get(layer) ?? null,
      };
    });
    const notes = [
      `Equalized ${eq.pairs.length} layer pair(s) in ${eq.sweeps} sweep(s); the float model computes the same function (an exact re-parameterization).`,
      ...eq.skipped.map((s) => `Not equalized: ${s.first}${s.second ? ` → ${s.second}` : ''} (${s.reason}).`),
      `Kernels stored as ${config.then} (per tensor); biases and BatchNormalization parameters stay float32.`,
      config.biasCorrection
        ? `Bias correction: per-channel mean output error of each layer measured on ${calibration!.shape[0]} training examples and subtracted from its bias.`
        : 'No bias correction.',
      DEQUANTIZE_ON_LOAD_NOTE,
    ];
    return {
      files,
      name: `equalized · ${config.then}${config.biasCorrection ? ' + bias correction' : ''}`,
      step: `cross-layer equalization (${eq.pairs.length} pairs), ${config.then} kernels${config.biasCorrection ? ', empirical bias correction' : ''}`,
      perLayer,
      notes,
    };
  } finally {
    eq.model.dispose();
    calibration?.dispose();
  }
};
