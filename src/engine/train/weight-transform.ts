/**
 * Forward passes that see transformed weights while the optimizer keeps the float ones.
 *
 * A tfjs-layers layer reads each weight through `LayerVariable.read()`, which returns the
 * LayerVariable's `val`. For the length of one forward pass, `val` is swapped for the transformed
 * tensor and restored afterwards (also when the pass throws). The transformed tensor is computed
 * from the tf.Variable inside the gradient tape, so gradients reach the float variable:
 *
 * - 'straight-through': `tf.customGrad` returns transform(w) forward and passes dy unchanged
 *   backward (ops inside a custom gradient are not taped), i.e. ∂L/∂w := ∂L/∂transform(w).
 * - 'exact': transform(w) is taped like any op, so its own gradient applies.
 *
 * Only trainable weights are transformed: a layer that writes a weight during the pass
 * (BatchNormalization's moving statistics) writes non-trainable ones, which are never swapped.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel, LayerVariable } from '@tensorflow/tfjs-layers';
import { BonsaiError } from '../errors';
import type { TrainHooks, WeightTransformFn } from './types';

export interface WeightTransformPlan {
  targets: { weight: LayerVariable; forward: (w: tf.Tensor) => tf.Tensor }[];
}

/** Resolve the hooks' per-weight choices once per run. */
export function planWeightTransforms(model: LayersModel, hooks: TrainHooks | undefined): WeightTransformPlan {
  const choose = hooks?.transformWeight;
  if (!choose) return { targets: [] };
  const mode = hooks.transformGradient ?? 'straight-through';
  const targets: WeightTransformPlan['targets'] = [];
  for (const weight of model.trainableWeights) {
    const fn = choose(weight);
    if (fn) targets.push({ weight, forward: mode === 'exact' ? fn : straightThrough(fn) });
  }
  return { targets };
}

/** transform(w) forward, identity backward. */
export function straightThrough(fn: WeightTransformFn): WeightTransformFn {
  const op = tf.customGrad(((w: tf.Tensor) => ({ value: fn(w), gradFunc: (dy: tf.Tensor) => dy })) as never) as (
    w: tf.Tensor,
  ) => tf.Tensor;
  return (w) => op(w);
}

type Swappable = { val: tf.Tensor };

/**
 * Run `pass` with every planned weight replaced by its transform. Call inside a tidy (or the
 * gradient tape): the transformed tensors belong to the caller's scope.
 */
export function withTransformedWeights<T>(plan: WeightTransformPlan, pass: () => T): T {
  if (plan.targets.length === 0) return pass();
  const saved: [Swappable, tf.Tensor][] = [];
  try {
    for (const { weight, forward } of plan.targets) {
      const w = weight.read();
      const t = forward(w);
      if (t.shape.length !== w.shape.length || t.shape.some((d, i) => d !== w.shape[i]) || t.dtype !== w.dtype) {
        throw new BonsaiError('INTERNAL', `Error in a weight transform: weight ${weight.name} has shape [${w.shape.join(', ')}] (${w.dtype}) but its transform returned [${t.shape.join(', ')}] (${t.dtype}).`);
      }
      const slot = weight as unknown as Swappable;
      saved.push([slot, slot.val]);
      slot.val = t;
    }
    return pass();
  } finally {
    for (let i = saved.length - 1; i >= 0; i--) saved[i][0].val = saved[i][1];
  }
}
