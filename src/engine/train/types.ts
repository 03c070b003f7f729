/**
 * The tensor-side contract of Bonsai's one training loop (`trainModel` in loop.ts): the hooks
 * through which techniques (pruning, quantization-aware training, distillation) change what a
 * step does without writing a loop of their own. Settings, progress and results are plain data
 * in meta.ts (re-exported here).
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { LayersModel, LayerVariable } from '@tensorflow/tfjs-layers';
import type { DatasetSplit } from '../data/types';
import type { EpochLog, TrainProgress } from './meta';

export type { EpochLog, OptimizerName, TrainConfig, TrainHistory, TrainProgress } from './meta';
export { DEFAULT_TRAIN_CONFIG } from './meta';

/**
 * What the model's single output holds, read from its last layer: 'probabilities' when that layer
 * ends in a softmax (a Dense/Conv with `activation: 'softmax'`, an Activation('softmax') or a
 * Softmax layer), otherwise 'logits'. Only a model whose last layer is itself a nested model is
 * misread (as 'logits'); give such a model a `loss` hook.
 */
export type OutputKind = 'probabilities' | 'logits';

export interface LossContext {
  model: LayersModel;
  /** The batch as the model receives it (already reshaped to the model's input shape). */
  xs: tf.Tensor;
  /** One-hot labels of the batch, or null for unlabeled data. */
  ys: tf.Tensor | null;
  /** The model's output on `xs` (computed with transformed weights, when a transform is set). */
  outputs: tf.Tensor;
  outputKind: OutputKind;
  /** true during a training step (gradients are being taken), false during validation. */
  training: boolean;
}

/** Per-weight forward transform: takes the float weight, returns what the forward pass uses. */
export type WeightTransformFn = (w: tf.Tensor) => tf.Tensor;

export interface TrainHooks {
  /**
   * Called after every optimizer step, with the number of steps done so far (1, 2, …), before the
   * next forward pass. Pruning re-applies its masks here (`v.assign(v.mul(mask))`), so pruned
   * weights are exact zeros in every forward pass and in the final model. Tensors it creates
   * must be disposed (wrap the body in tf.tidy).
   */
  afterStep?: (step: number) => void | Promise<void>;
  /**
   * Chooses a forward transform for each trainable weight, once per run; null leaves the weight as
   * it is. During every forward pass (training and validation) the layer reads `transform(w)`
   * instead of `w`; the float weight stays the one the optimizer updates. Fake-quantization
   * returns a round-to-grid function for kernels.
   */
  transformWeight?: (weight: LayerVariable) => WeightTransformFn | null;
  /**
   * How gradients pass through `transformWeight`. 'straight-through' (default): the gradient
   * with respect to the float weight is the gradient with respect to the transformed weight
   * (the STE of quantization-aware training; round() alone would have zero gradient).
   * 'exact': the transform's own gradient (e.g. a mask multiply, whose gradient is masked).
   */
  transformGradient?: 'straight-through' | 'exact';
  /**
   * Replaces the default loss (categorical cross-entropy, see OutputKind). Called inside the
   * gradient tape, so a teacher's forward pass here is fine (its variables get no gradients).
   * Required when the training data is unlabeled (ys null). It is also the validation loss.
   */
  loss?: (ctx: LossContext) => tf.Scalar;
  /**
   * Data augmentation: replaces each training batch (never validation) before the forward pass,
   * e.g. random shifts. Runs inside tf.tidy; `step` is the 1-based step about to run, for seeding.
   */
  augment?: (xs: tf.Tensor, step: number) => tf.Tensor;
  /** After each epoch (and its validation). Return 'stop' to end training early. */
  onEpochEnd?: (epoch: number, logs: EpochLog) => void | 'stop' | Promise<void | 'stop'>;
}

export interface TrainData {
  train: DatasetSplit;
  validation?: DatasetSplit;
}

export interface TrainOptions {
  signal?: AbortSignal;
  onProgress?: (p: TrainProgress) => void;
  hooks?: TrainHooks;
}
