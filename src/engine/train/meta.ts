/**
 * Training settings, defaults, progress events and results: plain data, importable by the UI and
 * the worker protocol (no tf import). The hooks that need tensors live in types.ts.
 */

export type OptimizerName = 'adam' | 'sgd' | 'rmsprop';

export interface TrainConfig {
  /** Passes over the training split (a whole number ≥ 1). */
  epochs: number;
  /** Examples per optimizer step, 1..4096. The last batch of an epoch may be smaller. */
  batchSize: number;
  /** Finite, > 0. */
  learningRate: number;
  optimizer: OptimizerName;
  /** Seeds the per-epoch shuffle: the same seed, model and backend give the same loss history. */
  seed: number;
  /** Cap on batches per epoch (quick runs, search budgets, tests); all batches when absent. */
  maxBatchesPerEpoch?: number;
}

export const DEFAULT_TRAIN_CONFIG: TrainConfig = {
  epochs: 3,
  batchSize: 64,
  learningRate: 0.001,
  optimizer: 'adam',
  seed: 1,
};

export interface EpochLog {
  /** 1-based. */
  epoch: number;
  /** Mean training loss over the epoch's steps (weighted by batch size). */
  loss: number;
  /** Top-1 training accuracy over the epoch; null when the training data is unlabeled. */
  accuracy: number | null;
  /** Mean loss on the validation split (the training loss function, weights as transformed). */
  valLoss?: number;
  /** Top-1 accuracy on the validation split, when it has labels. */
  valAccuracy?: number;
  /** Wall time of the epoch, validation included. */
  seconds: number;
}

export interface TrainProgress {
  /** 1-based epoch in progress. */
  epoch: number;
  epochs: number;
  /** Batches done in this epoch (train phase), or validation batches done (validate phase). */
  batch: number;
  batchesPerEpoch: number;
  /** Optimizer steps done in the whole run. */
  step: number;
  /** Running mean training loss of this epoch. */
  loss: number;
  /** Running training accuracy of this epoch; null for unlabeled data. */
  accuracy: number | null;
  /** Training throughput of the run so far (validation time excluded). */
  samplesPerSec: number;
  /** Set on the epoch-end event when there is a validation split. */
  valLoss?: number;
  valAccuracy?: number;
  phase: 'train' | 'validate';
  /** true on the one event that closes an epoch (never throttled; carries the validation metrics). */
  epochDone: boolean;
}

export interface TrainHistory {
  epochs: EpochLog[];
  /** Training throughput of the whole run (validation time excluded). */
  samplesPerSec: number;
  /** true when onEpochEnd returned 'stop' before the last epoch. */
  stoppedEarly: boolean;
}
