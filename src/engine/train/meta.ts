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
  /**
   * Learning rate over the run: 'constant' (default) keeps `learningRate`; 'cosine' starts at
   * `learningRate` and decays it step by step to 0 along a half cosine (Loshchilov & Hutter 2017),
   * so a fine-tune after pruning can start high (rewound) and settle at the end.
   */
  lrSchedule?: LrSchedule;
  /**
   * Augmentation of each training batch (never validation): 'shift' moves every image by up to
   * ±2 px (zero fill), seeded by `seed` and the step — what the built-in samples were trained with,
   * so a fine-tune keeps that regularisation instead of overfitting the training images. Image data
   * ([n, h, w, c]) only. Default 'none'.
   */
  augment?: Augment;
}

export type LrSchedule = 'constant' | 'cosine';
export type Augment = 'none' | 'shift';
export const AUGMENTS: readonly Augment[] = ['none', 'shift'];
export const LR_SCHEDULES: readonly LrSchedule[] = ['constant', 'cosine'];

/** The learning rate of optimizer step `step` (1-based) of `totalSteps` under the config's schedule. */
export function learningRateAt(c: Pick<TrainConfig, 'learningRate' | 'lrSchedule'>, step: number, totalSteps: number): number {
  if ((c.lrSchedule ?? 'constant') === 'constant' || totalSteps <= 1) return c.learningRate;
  const progress = Math.min(1, Math.max(0, (step - 1) / (totalSteps - 1)));
  return 0.5 * c.learningRate * (1 + Math.cos(Math.PI * progress));
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

/**
 * The training settings every technique that fine-tunes exposes (prune, quantize, distill, NAS):
 * one type, one default, one validator — the same ranges `trainModel` enforces.
 */
export type TrainSettings = TrainConfig;

/** Fine-tuning after a compression step: Adam at a small rate, two epochs. */
export const DEFAULT_FINE_TUNE: TrainSettings = { epochs: 2, batchSize: 64, learningRate: 0.0005, optimizer: 'adam', seed: 1 };

export const MAX_BATCH_SIZE = 4096;
export const MAX_EPOCHS = 10_000;
const OPTIMIZERS: readonly OptimizerName[] = ['adam', 'sgd', 'rmsprop'];

/** The one error shape of a setting out of range: names where, which field, what was expected. */
export class TrainSettingsError extends Error {
  constructor(
    readonly field: string,
    readonly expected: string,
    readonly got: unknown,
    readonly hint: string,
  ) {
    super(`${field} must be ${expected}, got ${JSON.stringify(got) ?? String(got)}`);
  }
}

const isWhole = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x);

/**
 * Throws TrainSettingsError for the first field out of range (`prefix` names the field path,
 * e.g. "fineTune."). Callers turn it into their BAD_CONFIG with their own "Error in …" prefix.
 */
export function checkTrainSettings(t: unknown, prefix = ''): asserts t is TrainSettings {
  if (typeof t !== 'object' || t === null) throw new TrainSettingsError(prefix.replace(/\.$/, '') || 'settings', 'training settings (epochs, batchSize, learningRate, optimizer, seed)', t, 'Start from the defaults.');
  const c = t as Partial<TrainSettings>;
  if (!isWhole(c.epochs) || c.epochs < 1 || c.epochs > MAX_EPOCHS) {
    throw new TrainSettingsError(`${prefix}epochs`, `a whole number from 1 to ${MAX_EPOCHS}`, c.epochs, 'Set epochs to 1 or more; one or two usually suffice for a fine-tune.');
  }
  if (!isWhole(c.batchSize) || c.batchSize < 1 || c.batchSize > MAX_BATCH_SIZE) {
    throw new TrainSettingsError(`${prefix}batchSize`, `a whole number from 1 to ${MAX_BATCH_SIZE}`, c.batchSize, 'Typical batch sizes are 32 to 256.');
  }
  if (typeof c.learningRate !== 'number' || !Number.isFinite(c.learningRate) || c.learningRate <= 0) {
    throw new TrainSettingsError(`${prefix}learningRate`, 'a finite number above 0', c.learningRate, 'Try 0.001 for Adam (0.0005 for a fine-tune) or 0.01 for SGD.');
  }
  if (!OPTIMIZERS.includes(c.optimizer as OptimizerName)) {
    throw new TrainSettingsError(`${prefix}optimizer`, `one of ${OPTIMIZERS.join(', ')}`, c.optimizer, 'Adam is a good default.');
  }
  if (!isWhole(c.seed) || !Number.isSafeInteger(c.seed)) {
    throw new TrainSettingsError(`${prefix}seed`, 'a whole number', c.seed, 'Any whole number works; the same seed reproduces a run.');
  }
  if (c.maxBatchesPerEpoch !== undefined && (!isWhole(c.maxBatchesPerEpoch) || c.maxBatchesPerEpoch < 1)) {
    throw new TrainSettingsError(`${prefix}maxBatchesPerEpoch`, 'a whole number ≥ 1 when set', c.maxBatchesPerEpoch, 'Leave it unset to use every batch.');
  }
  if (c.lrSchedule !== undefined && !LR_SCHEDULES.includes(c.lrSchedule)) {
    throw new TrainSettingsError(`${prefix}lrSchedule`, `one of ${LR_SCHEDULES.join(', ')} when set`, c.lrSchedule, "Leave it unset for a constant rate, or use 'cosine' to decay it to 0 over the run.");
  }
  if (c.augment !== undefined && !AUGMENTS.includes(c.augment)) {
    throw new TrainSettingsError(`${prefix}augment`, `one of ${AUGMENTS.join(', ')} when set`, c.augment, "Leave it unset for none, or use 'shift' for random ±2 px shifts of image data.");
  }
}
