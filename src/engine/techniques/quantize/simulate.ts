/**
 * Full-integer simulation: what an int8 runtime (TFLite-style) would score with this model.
 *
 * - Weights: every kernel (rank ≥ 2) fake-quantized to int8, per tensor, symmetric
 *   (scale = max|w|/127, codes −127..127). Biases and BatchNormalization parameters stay float
 *   (an int8 runtime keeps biases in int32 at scale s_in·s_w, whose rounding is negligible, and
 *   folds BatchNormalization into the previous layer).
 * - Activations: the input and every layer's output fake-quantized to uint8, affine, over the
 *   range calibrated on the calibration set (calibrate.ts), widened to include 0 so that zero is
 *   exact. A layer fused with its activation in a runtime (Dense+ReLU) is one layer here too.
 * - Calibration set: the first `calibrationSize` (default 512) training examples; evaluation: the
 *   validation split. Reports top-1 accuracy of the simulated and the float model (labels), their
 *   top-1 agreement, and per-layer SQNR = 10·log10(Σ float² / Σ (simulated − float)²) in dB on the
 *   validation split, where "simulated" is the layer's output in the fully quantized network
 *   (errors of earlier layers included, as a runtime would see them).
 *
 * This method does not write a new model: the result's files are the input's files, unchanged.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { BonsaiError } from '../../errors';
import { forEachBatch, inputAdapter, sliceRows } from '../../metrics/batches';
import type { LoadedModel } from '../../model/loaded';
import { cloneLayersModel } from '../../model/serialize';
import type { TechniqueData } from '../types';
import { calibrateActivations, DEFAULT_PERCENTILE, type ActivationRange, type CalibrationMethod } from './calibrate';
import { calibrationInputs, checkSplitFits, DEFAULT_CALIBRATION_SIZE, modelInputShape } from './calibration-set';
import { fakeQuantRange, fakeQuantSymmetric, isQuantizedKernel } from './fake-quant';
import { walkModel } from './layer-walk';

const OP = 'simulateInteger';
const EVAL_BATCH = 128;

export interface SimulateOptions {
  calibration: CalibrationMethod;
  percentile?: number;
  calibrationSize?: number;
  signal?: AbortSignal;
  progress?: (phase: string, done: number, total: number) => void;
}

export interface LayerSimulation {
  /** Layer name (the model input under its input layer's name). */
  layer: string;
  /** The calibrated uint8 range of its output. */
  min: number;
  max: number;
  /** null when the simulated output equals the float one exactly (infinite SQNR) or is all zero. */
  sqnrDb: number | null;
}

export interface SimulationResult {
  /** Top-1 accuracy of the simulated int8 model; null without labels. */
  accuracy: number | null;
  floatAccuracy: number | null;
  /** Top-1 agreement of the simulated model with the float model (fidelity), in [0, 1]. */
  agreement: number;
  layers: LayerSimulation[];
  calibrationCount: number;
  evaluationCount: number;
}

function checkOptions(o: SimulateOptions): void {
  if (!['minmax', 'percentile', 'mse'].includes(o.calibration)) {
    throw new BonsaiError('BAD_CONFIG', `Error in ${OP}: calibration must be minmax, percentile or mse, got ${JSON.stringify(o.calibration)}.`);
  }
  const p = o.percentile ?? DEFAULT_PERCENTILE;
  if (typeof p !== 'number' || !(p > 50 && p <= 100)) {
    throw new BonsaiError('BAD_CONFIG', `Error in ${OP}: percentile must be a number in (50, 100], got ${p}.`, 'Typical values are 99.9 to 99.999.');
  }
}

/** A clone of the model with every kernel on its int8 grid. The caller disposes it. */
async function int8WeightClone(model: LayersModel): Promise<LayersModel> {
  const clone = await cloneLayersModel(model);
  for (const w of clone.weights) {
    if (isQuantizedKernel(w.originalName, w.shape as number[])) tf.tidy(() => void w.write(fakeQuantSymmetric(w.read(), 8)));
  }
  return clone;
}

export async function simulateInteger(input: LoadedModel, data: TechniqueData, opts: SimulateOptions): Promise<SimulationResult> {
  if (input.format !== 'layers') {
    throw new BonsaiError('BAD_CONFIG', `Error in ${OP}: the simulation runs the model layer by layer, so it needs a LayersModel; this is a GraphModel.`,
      'Use weight quantization (ptq) for GraphModels, and measure its accuracy.');
  }
  checkOptions(opts);
  const model = input.model;
  const validation = checkSplitFits(data.validation, model, 'validation split', OP);
  const calibration = calibrationInputs(data.train, model, opts.calibrationSize ?? DEFAULT_CALIBRATION_SIZE, OP);
  let quantized: LayersModel | undefined;
  try {
    const ranges = await calibrateActivations(model, calibration, {
      method: opts.calibration, percentile: opts.percentile, signal: opts.signal,
      onBatch: (d, t) => opts.progress?.('calibrate', d, t),
    });
    quantized = await int8WeightClone(model);
    const evaluated = await evaluate(model, quantized, ranges, validation, opts);
    return { ...evaluated, calibrationCount: calibration.shape[0] };
  } finally {
    calibration.dispose();
    quantized?.dispose();
  }
}

async function evaluate(
  float: LayersModel, quantized: LayersModel, ranges: Map<string, ActivationRange>,
  split: NonNullable<TechniqueData['validation']>, opts: SimulateOptions,
): Promise<Omit<SimulationResult, 'calibrationCount'>> {
  const adapt = inputAdapter(modelInputShape(float), split.xs.shape, OP);
  const names = [...ranges.keys()];
  const signal = new Float64Array(names.length);
  const noise = new Float64Array(names.length);
  let hitsQ = 0;
  let hitsF = 0;
  let agree = 0;
  const batches = Math.ceil(split.count / EVAL_BATCH);
  await forEachBatch(split.count, EVAL_BATCH, opts.signal, async (start, size, index) => {
    const stats = tf.tidy(() => {
      const x = adapt(sliceRows(split.xs, start, size));
      const floats = new Map<string, tf.Tensor>();
      const yF = walkModel(float, x, (name, y) => (floats.set(name, y), y));
      const power: tf.Tensor[] = [];
      const yQ = walkModel(quantized, x, (name, y) => {
        const r = ranges.get(name);
        const f = floats.get(name);
        if (!r || !f) return y;
        const q = fakeQuantRange(y, r.min, r.max, 8);
        power[names.indexOf(name)] = tf.stack([tf.sum(tf.square(f)), tf.sum(tf.square(tf.sub(q, f)))]);
        return q;
      });
      const predF = tf.argMax(yF, -1);
      const predQ = tf.argMax(yQ, -1);
      const count = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.cast(tf.equal(a, b), 'float32'));
      const labels = split.ys ? tf.argMax(sliceRows(split.ys, start, size), -1) : null;
      const tallies = tf.stack([count(predQ, predF), labels ? count(predQ, labels) : tf.scalar(0), labels ? count(predF, labels) : tf.scalar(0)]);
      return tf.concat([tallies, ...names.map((_, i) => power[i] ?? tf.zeros([2]))]);
    });
    const v = await stats.data();
    stats.dispose();
    agree += v[0];
    hitsQ += v[1];
    hitsF += v[2];
    names.forEach((_, i) => {
      signal[i] += v[3 + 2 * i];
      noise[i] += v[4 + 2 * i];
    });
    opts.progress?.('evaluate', index + 1, batches);
  });
  const labeled = split.ys !== null;
  return {
    accuracy: labeled ? hitsQ / split.count : null,
    floatAccuracy: labeled ? hitsF / split.count : null,
    agreement: agree / split.count,
    evaluationCount: split.count,
    layers: names.map((layer, i) => {
      const db = 10 * Math.log10(signal[i] / noise[i]);
      const r = ranges.get(layer)!;
      return { layer, min: r.min, max: r.max, sqnrDb: Number.isFinite(db) ? db : null };
    }),
  };
}
export { runSimulate } from './simulate-run';
