/**
 * Empirical bias correction (Nagel et al., 2019, §4.2, the data-driven variant): quantizing a
 * layer's weights shifts the mean of its outputs — E[W̃x] ≠ E[Wx] — and that shift is a bias the
 * next layers were not trained for. For each layer with a bias, in execution order, measure on a
 * calibration batch the per-output-channel mean of (pre-activation output of the quantized model
 * − pre-activation output of the float model), each model fed its own previous layers' outputs,
 * and subtract it from the quantized layer's bias. Layers are corrected one after another, so a
 * layer's correction sees the already-corrected layers before it (errors do not pile up).
 *
 * The pre-activation output is read by running the layer with its activation swapped for the
 * linear one for that call (the correction belongs before the ReLU, where the bias is added).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { BonsaiError } from '../../errors';
import { inputAdapter } from '../../metrics/batches';
import { biasOf } from './equalize-pairs';
import { runStep, singleInputName, walkSteps, type WalkLayer } from './layer-walk';

const OP = 'biasCorrection';
const CORRECTED = new Set(['Dense', 'Conv2D', 'DepthwiseConv2D']);

export interface BiasCorrectionRow {
  layer: string;
  /** Mean |correction| over the layer's output channels (the amount subtracted from the bias). */
  meanAbsShift: number;
  maxAbsShift: number;
}

type WithActivation = { activation: unknown };
let linear: unknown;
function linearActivation(): unknown {
  linear ??= (tfl.layers.activation({ activation: 'linear' }) as unknown as WithActivation).activation;
  return linear;
}

function preActivation(layer: WalkLayer, x: tf.Tensor | tf.Tensor[]): tf.Tensor {
  const slot = layer as unknown as WithActivation;
  const saved = slot.activation;
  slot.activation = linearActivation();
  try {
    return layer.call(x, {}) as tf.Tensor;
  } finally {
    slot.activation = saved;
  }
}

/**
 * Correct `quantized`'s biases in place (its weights are the dequantized values; same topology
 * and layer names as `original`, e.g. the quantized files reloaded). `calibrationXs`: a batch of
 * inputs, reshaped to the model input if needed. Returns one row per corrected layer.
 */
export function biasCorrection(original: LayersModel, quantized: LayersModel, calibrationXs: tf.Tensor): BiasCorrectionRow[] {
  const input = singleInputName(quantized, OP);
  if (calibrationXs.rank < 2 || calibrationXs.shape[0] === 0) {
    throw new BonsaiError('DATASET_UNAVAILABLE', `Error in ${OP}: the calibration set is empty or not a batch (shape [${calibrationXs.shape.join(', ')}]); expected [count ≥ 1, …].`,
      'Pick a dataset with training examples: bias correction measures each layer on them.');
  }
  const shape = quantized.inputs[0].shape.map((d) => (d == null ? -1 : d));
  const adapt = inputAdapter(shape, calibrationXs.shape, `${OP} (calibration set)`);
  const floatSteps = new Map(walkSteps(original).map((s) => [s.key, s]));
  const rows: BiasCorrectionRow[] = [];
  tf.tidy(() => {
    const x = adapt(calibrationXs);
    const valuesQ = new Map<number, tf.Tensor>([[input.id, x]]);
    const valuesF = new Map<number, tf.Tensor>([[singleInputName(original, OP).id, x]]);
    for (const stepQ of walkSteps(quantized)) {
      const stepF = floatSteps.get(stepQ.key);
      if (!stepF) {
        throw new BonsaiError('INTERNAL', `Error in ${OP}: layer ${stepQ.layer.name} of the quantized model has no counterpart in the float model.`);
      }
      const bias = biasOf(stepQ.layer);
      if (bias && CORRECTED.has(stepQ.layer.getClassName())) {
        const shift = tf.tidy(() => {
          const q = runStep(stepQ, new Map(valuesQ), preActivation)[0];
          const f = runStep(stepF, new Map(valuesF), preActivation)[0];
          const axes = Array.from({ length: q.rank - 1 }, (_, i) => i);
          return tf.mean(tf.sub(q, f), axes);
        });
        const s = shift.dataSync();
        let sum = 0;
        let max = 0;
        for (const v of s) { sum += Math.abs(v); max = Math.max(max, Math.abs(v)); }
        bias.write(tf.sub(bias.read(), shift));
        rows.push({ layer: stepQ.layer.name, meanAbsShift: sum / s.length, maxAbsShift: max });
      }
      runStep(stepQ, valuesQ);
      runStep(stepF, valuesF);
    }
  });
  return rows;
}
