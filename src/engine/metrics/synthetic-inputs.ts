/**
 * Synthetic inputs for fidelity when no dataset fits the model: a batch drawn from whichever of a
 * few input distributions spreads the reference model's top-1 predictions over the most classes.
 * One distribution is not enough: a model trained on standardised features may put every
 * uniform-[0, 1] input in one class, and a model of raw pixels every N(0, 1) input — and
 * agreement measured on inputs the reference puts in one class means nothing.
 */
import * as tf from '@tensorflow/tfjs-core';
import { BonsaiError } from '../errors';
import type { LoadedModel } from '../model/loaded';
import { checkpoint } from '../runtime/yield';
import { inputAdapter, predictBatch, singleInputShape } from './batches';
import { concreteShape, modelInputs } from './inputs';

export interface InputDistribution {
  /** In words, e.g. "normal (0, 1)"; shown beside the measure. */
  label: string;
  draw(shape: number[], seed: number): tf.Tensor;
}

/** Tried in this order; on a tie the earlier one wins. */
export const INPUT_DISTRIBUTIONS: InputDistribution[] = [
  { label: 'uniform [0, 1]', draw: (s, seed) => tf.randomUniform(s, 0, 1, 'float32', seed) },
  { label: 'normal (0, 1)', draw: (s, seed) => tf.randomNormal(s, 0, 1, 'float32', seed) },
  { label: 'uniform [−1, 1]', draw: (s, seed) => tf.randomUniform(s, -1, 1, 'float32', seed) },
  { label: 'normal (0, 3)', draw: (s, seed) => tf.randomNormal(s, 0, 3, 'float32', seed) },
  { label: 'uniform [0, 255]', draw: (s, seed) => tf.randomUniform(s, 0, 255, 'float32', seed) },
];

/** Examples per distribution when choosing one: enough to see a spread, cheap for a big model. */
const PROBE_COUNT = 64;
const OP = 'synthetic inputs for fidelity';

export interface SyntheticInputs {
  /** The caller owns it. */
  xs: tf.Tensor;
  distribution: string;
}

/** Entropy (nats) of the reference's top-1 classes on `xs`: 0 when it predicts one class. */
async function classEntropy(reference: LoadedModel, xs: tf.Tensor): Promise<number> {
  const adapt = inputAdapter(singleInputShape(reference, OP), xs.shape, OP);
  const top = tf.tidy(() => tf.argMax(predictBatch(reference, adapt(xs), OP), -1));
  const classes = await top.data();
  top.dispose();
  const counts = new Map<number, number>();
  for (const c of classes) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) h -= (n / classes.length) * Math.log(n / classes.length);
  return h;
}

/**
 * `count` inputs for the reference's single input, from the distribution whose probe spreads its
 * predictions most. Integer inputs (indices) are drawn from {0, 1} only: other values may be out
 * of range. Whether the chosen inputs spread enough is for `fidelityVerdict` to say.
 */
export async function spreadingInputs(reference: LoadedModel, count: number, signal?: AbortSignal): Promise<SyntheticInputs> {
  const infos = modelInputs(reference);
  if (infos.length !== 1) {
    throw new BonsaiError('WRONG_INPUT_SHAPE', `Error in ${OP}: the model has ${infos.length} inputs; synthetic fidelity feeds models with exactly one input.`);
  }
  const info = infos[0];
  if (reference.format === 'graph' && reference.model.inputs[0].shape === undefined) {
    throw new BonsaiError('WRONG_INPUT_SHAPE', `Error in ${OP}: input '${info.name}' declares no shape, so Bonsai cannot build an input for it.`,
      'Re-export the model with a fixed input shape (only the batch dimension may be free).');
  }
  if (info.dtype === 'int32') return { xs: tf.randomUniform(concreteShape(info, count, OP), 0, 2, 'int32', 42), distribution: 'integers {0, 1}' };
  if (info.dtype !== 'float32') {
    throw new BonsaiError('WRONG_INPUT_SHAPE', `Error in ${OP}: input '${info.name}' has dtype ${info.dtype}; Bonsai builds float32 or int32 inputs only.`);
  }
  const probeShape = concreteShape(info, PROBE_COUNT, OP);
  let best = INPUT_DISTRIBUTIONS[0];
  let bestEntropy = -1;
  for (const [i, d] of INPUT_DISTRIBUTIONS.entries()) {
    await checkpoint(signal);
    const probe = d.draw(probeShape, 1000 + i);
    try {
      const h = await classEntropy(reference, probe);
      if (h > bestEntropy + 1e-9) [best, bestEntropy] = [d, h];
    } finally {
      probe.dispose();
    }
  }
  return { xs: best.draw(concreteShape(info, count, OP), 42), distribution: best.label };
}
