/**
 * One batch of work: the training step's loss, top-1 hits and gradients (under the tape), and the
 * validation pass's loss and hits (no tape). Both see the same transformed weights and loss.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { BonsaiError } from '../errors';
import { countCorrect, crossEntropy } from './loss';
import type { LossContext, OutputKind, TrainHooks } from './types';
import { withTransformedWeights, type WeightTransformPlan } from './weight-transform';

export interface StepPlan {
  model: LayersModel;
  /** The float variables the optimizer updates (the model's trainable weights). */
  variables: tf.Variable[];
  outputKind: OutputKind;
  transforms: WeightTransformPlan;
  loss?: TrainHooks['loss'];
  /** Data batch → model input (see inputAdapter). */
  adapt: (batch: tf.Tensor) => tf.Tensor;
}

function lossOf(plan: StepPlan, ctx: Omit<LossContext, 'model' | 'outputKind'>): tf.Scalar {
  const full: LossContext = { ...ctx, model: plan.model, outputKind: plan.outputKind };
  if (plan.loss) {
    const l = plan.loss(full);
    if (!(l instanceof tf.Tensor) || l.rank !== 0) {
      throw new BonsaiError('INTERNAL', `Error in the training loss hook: it must return a scalar tensor, got ${l instanceof tf.Tensor ? `shape [${l.shape.join(', ')}]` : typeof l}.`);
    }
    return l;
  }
  if (ctx.ys === null) {
    throw new BonsaiError('UNLABELED_DATA', 'Error in trainModel: the data is unlabeled, and cross-entropy needs labels.',
      'Train on a labelled dataset, or distill from a teacher model (it labels the data).');
  }
  return crossEntropy(ctx.outputs, ctx.ys, plan.outputKind);
}

export interface StepTensors {
  loss: tf.Scalar;
  /** Top-1 hits in the batch; null for unlabeled data. */
  correct: tf.Scalar | null;
  /** Keyed by variable name, as optimizer.applyGradients takes them. */
  grads: tf.NamedTensorMap;
}

/** Forward + backward on one batch. The caller disposes every tensor returned. */
export function batchGradients(plan: StepPlan, xb: tf.Tensor, yb: tf.Tensor | null): StepTensors {
  let correct: tf.Scalar | null = null;
  try {
    const { value, grads } = tf.variableGrads(
      () =>
        withTransformedWeights(plan.transforms, () => {
          const xs = plan.adapt(xb);
          const outputs = plan.model.apply(xs, { training: true }) as tf.Tensor;
          if (yb) correct = tf.keep(countCorrect(outputs, yb));
          return lossOf(plan, { xs, ys: yb, outputs, training: true });
        }),
      plan.variables,
    );
    return { loss: value, correct, grads };
  } catch (e) {
    (correct as tf.Scalar | null)?.dispose();
    disposeStrandedTape();
    throw e;
  }
}

/**
 * When the function under `variableGrads` throws, TF.js leaves the gradient tape behind with the
 * tensors its nodes saved for the backward pass (they are kept, so no tidy frees them); they are
 * only freed on success. Free them here, as the success path would, unless an outer gradient
 * computation (gradientDepth > 0) still owns the tape.
 */
function disposeStrandedTape(): void {
  const state = tf.engine().state;
  if (state.gradientDepth !== 0 || !state.activeTape) return;
  for (const node of state.activeTape) tf.dispose(node.saved ?? []);
  state.activeTape = null as unknown as typeof state.activeTape;
}

/**
 * Validation on one batch: summed loss (batch mean × size) and hits, as [lossSum, hits] floats
 * (NaN where not computable: no labels and no loss hook / no labels). The caller disposes it.
 */
export function batchEvaluation(plan: StepPlan, xb: tf.Tensor, yb: tf.Tensor | null): tf.Tensor1D {
  return tf.tidy(() =>
    withTransformedWeights(plan.transforms, () => {
      const xs = plan.adapt(xb);
      const outputs = plan.model.apply(xs, { training: false }) as tf.Tensor;
      const n = xb.shape[0];
      const lossSum = plan.loss || yb ? tf.mul(lossOf(plan, { xs, ys: yb, outputs, training: false }), n) : tf.scalar(NaN);
      const hits = yb ? countCorrect(outputs, yb) : tf.scalar(NaN);
      return tf.stack([lossSum, hits]) as tf.Tensor1D;
    }),
  );
}
