/**
 * Fine-tuning a pruned model through Bonsai's one training loop, with the masks re-applied after
 * every optimizer step (so pruned weights are exact zeros in every forward pass and at the end).
 * Unlabeled training data is fine-tuned against the unpruned model's own outputs (KL), which
 * needs no labels and pulls the pruned model back toward the original.
 */
import { reportTrainProgress } from '../../train/progress';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { DatasetSplit } from '../../data/types';
import { BonsaiError } from '../../errors';
import { detectOutputKind, PROBABILITY_EPSILON, toLogits } from '../../train/loss';
import { trainModel } from '../../train/loop';
import type { LossContext, TrainHistory } from '../../train/types';
import type { TechniqueContext, TechniqueData } from '../types';
import type { TrainSettings } from './meta';

/** Optimizer steps a fine-tune of these settings on `count` examples takes. */
export function totalSteps(settings: TrainSettings, count: number): number {
  const perEpoch = Math.min(Math.ceil(count / settings.batchSize), settings.maxBatchesPerEpoch ?? Infinity);
  return settings.epochs * perEpoch;
}

/** The training split, or a BonsaiError saying plainly why `what` cannot run without one. */
export function requireTrainSplit(data: TechniqueData, what: string): DatasetSplit {
  if (data.train && data.train.count > 0) return data.train;
  throw new BonsaiError('NO_TRAINING_DATA', `Error in prune: ${what} fine-tunes the model, and there is no training data.`,
    "Load a dataset with a training split, or choose one-shot magnitude pruning (no fine-tuning), which needs none.");
}

/** KL(unpruned ‖ pruned) of the two models' class distributions: a loss that needs no labels. */
function selfDistillLoss(teacher: LayersModel): (ctx: LossContext) => tf.Scalar {
  const teacherKind = detectOutputKind(teacher);
  return ({ xs, outputs, outputKind }) =>
    tf.tidy(() => {
      const p = tf.softmax(toLogits(teacher.predict(xs) as tf.Tensor, teacherKind));
      const logQ = tf.logSoftmax(toLogits(outputs, outputKind));
      const logP = tf.log(tf.clipByValue(p, PROBABILITY_EPSILON, 1));
      return tf.mean(tf.sum(tf.mul(p, tf.sub(logP, logQ)), -1)) as tf.Scalar;
    });
}

export interface FineTuneOptions {
  /** The unpruned model: the teacher when the data has no labels. Never trained. */
  original: LayersModel;
  /** Called after every optimizer step with the step count: recompute and/or re-apply masks. */
  afterStep: (step: number) => Promise<void> | void;
  phase: string;
}

export async function fineTune(
  model: LayersModel,
  train: DatasetSplit,
  validation: DatasetSplit | undefined,
  settings: TrainSettings,
  ctx: TechniqueContext,
  opts: FineTuneOptions,
): Promise<TrainHistory> {
  const unlabeled = train.ys === null;
  // A validation split must match the training split's kind (labels or not) to share its loss.
  const val = validation && (validation.ys === null) === unlabeled ? validation : undefined;
  return trainModel(model, { train, validation: val }, { ...settings }, {
    signal: ctx.signal,
    onProgress: reportTrainProgress(ctx, opts.phase),
    hooks: {
      afterStep: opts.afterStep,
      ...(unlabeled ? { loss: selfDistillLoss(opts.original) } : {}),
    },
  });
}
