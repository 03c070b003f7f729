/**
 * Bonsai's one training loop. Every technique that trains (fine-tuning after pruning, QAT,
 * distillation, NAS candidates) runs through `trainModel` and changes a step only through
 * TrainHooks (types.ts). A custom loop rather than model.fit, because fit cannot swap weights
 * inside the forward pass, re-apply masks after each step, yield a real macrotask per batch, or
 * clean up after a failure (a failed fit leaks tensors).
 *
 * Guarantees: a checkpoint (macrotask yield + abort check) before every batch; a cancel or an
 * error leaves the weights as they were after the last completed step and leaks no tensor; the
 * optimizer (and its slot variables) is disposed on every path. A step whose loss or gradients
 * are not finite is not applied: training stops with TRAINING_DIVERGED.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { DatasetSplit } from '../data/types';
import { seededShift } from '../data/augment';
import { BonsaiError } from '../errors';
import { DEFAULT_EVAL_BATCH_SIZE, forEachBatch, sliceRows } from '../metrics/batches';
import { checkpoint, throwIfAborted } from '../runtime/yield';
import { makeOptimizer, setLearningRate, validateTrainConfig } from './config';
import { learningRateAt } from './meta';
import { planTraining } from './plan';
import { epochSeed, seededPermutation } from './shuffle';
import { batchEvaluation, batchGradients, type StepPlan, type StepTensors } from './step';
import type { EpochLog, TrainConfig, TrainData, TrainHistory, TrainHooks, TrainOptions, TrainProgress } from './types';

export { DEFAULT_TRAIN_CONFIG } from './meta';
export type { EpochLog, LossContext, OutputKind, TrainConfig, TrainData, TrainHistory, TrainHooks, TrainOptions, TrainProgress, WeightTransformFn } from './types';

/** The batch augmentation: the config's (seeded by its seed and the step), then the caller's hook. */
function batchAugment(cfg: TrainConfig, train: DatasetSplit, hook: TrainHooks['augment']): TrainHooks['augment'] {
  if ((cfg.augment ?? 'none') === 'none') return hook;
  if (train.xs.rank !== 4) {
    throw new BonsaiError('BAD_CONFIG', `Error in training: augment 'shift' moves images, but the training data has shape [${train.xs.shape.join(', ')}].`,
      'Turn the random shifts off for data that is not images ([n, height, width, channels]): untick “Random ±2 px shifts” under Fine-tune, or in a recipe’s steps (JSON) set "augment" to "none".');
  }
  const seed = cfg.seed;
  // Runs inside the step's tf.tidy, which frees the shifted batch when a hook replaces it.
  return (xs, step) => {
    const shifted = seededShift(xs, step, seed);
    return hook ? hook(shifted, step) : shifted;
  };
}

/** Progress events are throttled to at most 10 per second (epoch ends always go out). */
export const PROGRESS_INTERVAL_MS = 100;

export async function trainModel(
  model: LayersModel,
  data: TrainData,
  config: TrainConfig,
  options: TrainOptions = {},
): Promise<TrainHistory> {
  const cfg = validateTrainConfig(config);
  const { signal, onProgress, hooks } = options;
  throwIfAborted(signal);
  const plans = planTraining(model, data, hooks);
  const train = data.train;
  const augment = batchAugment(cfg, train, hooks?.augment);
  const n = train.count;
  const batchesPerEpoch = Math.min(Math.ceil(n / cfg.batchSize), cfg.maxBatchesPerEpoch ?? Infinity);
  const constrained = model.trainableWeights.filter((w) => w.constraint != null);
  const emit = throttled(onProgress);

  const epochs: EpochLog[] = [];
  let step = 0;
  let samples = 0;
  let trainSeconds = 0;
  let stoppedEarly = false;
  const samplesPerSec = () => (trainSeconds > 0 ? samples / trainSeconds : 0);

  const optimizer = makeOptimizer(cfg);
  const scheduled = (cfg.lrSchedule ?? 'constant') !== 'constant';
  const totalSteps = cfg.epochs * batchesPerEpoch;
  try {
    for (let epoch = 1; epoch <= cfg.epochs; epoch++) {
      const epochStart = performance.now();
      const order = seededPermutation(n, epochSeed(cfg.seed, epoch));
      let lossSum = 0;
      let hits = 0;
      let seen = 0;
      const snapshot = (batch: number, phase: TrainProgress['phase']): TrainProgress => ({
        epoch, epochs: cfg.epochs, batch, batchesPerEpoch, step, phase, epochDone: false,
        loss: seen > 0 ? lossSum / seen : NaN,
        accuracy: train.ys ? (seen > 0 ? hits / seen : 0) : null,
        samplesPerSec: samplesPerSec(),
      });

      for (let b = 0; b < batchesPerEpoch; b++) {
        const t0 = performance.now(); // the yield counts: throughput is what the user waits for
        await checkpoint(signal);
        const idx = order.subarray(b * cfg.batchSize, Math.min(n, (b + 1) * cfg.batchSize));
        if (scheduled) setLearningRate(optimizer, learningRateAt(cfg, step + 1, totalSteps));
        const [loss, batchHits] = await trainStep(plans.train, optimizer, train, idx, step + 1, augment);
        step++;
        for (const w of constrained) tf.tidy(() => (w.read() as tf.Variable).assign(w.constraint.apply(w.read())));
        await hooks?.afterStep?.(step);
        trainSeconds += (performance.now() - t0) / 1000;
        samples += idx.length;
        lossSum += loss * idx.length;
        hits += batchHits;
        seen += idx.length;
        emit(snapshot(b + 1, 'train'), false);
      }

      const log: EpochLog = { epoch, loss: lossSum / seen, accuracy: train.ys ? hits / seen : null, seconds: 0 };
      if (data.validation && plans.validation) {
        const valBatch = Math.max(cfg.batchSize, DEFAULT_EVAL_BATCH_SIZE);
        const val = await validate(plans.validation, data.validation, valBatch, signal, (batch) =>
          emit(snapshot(batch, 'validate'), false),
        );
        if (val.loss !== undefined) log.valLoss = val.loss;
        if (val.accuracy !== undefined) log.valAccuracy = val.accuracy;
      }
      log.seconds = (performance.now() - epochStart) / 1000;
      epochs.push(log);
      emit({
        ...snapshot(batchesPerEpoch, data.validation ? 'validate' : 'train'),
        valLoss: log.valLoss, valAccuracy: log.valAccuracy, epochDone: true,
      }, true);
      if ((await hooks?.onEpochEnd?.(epoch, log)) === 'stop' && epoch < cfg.epochs) {
        stoppedEarly = true;
        break;
      }
    }
  } finally {
    optimizer.dispose();
  }
  return { epochs, samplesPerSec: samplesPerSec(), stoppedEarly };
}

/**
 * Gather the batch, take loss and gradients, check they are finite, apply them. Returns the
 * batch's mean loss and top-1 hits (NaN hits for unlabeled data). Nothing survives the call
 * but the updated weights (and the optimizer's slots).
 */
async function trainStep(
  plan: StepPlan,
  optimizer: tf.Optimizer,
  split: DatasetSplit,
  idx: Int32Array,
  step: number,
  augment?: TrainHooks['augment'],
): Promise<[number, number]> {
  const indices = tf.tensor1d(idx, 'int32');
  const gathered = tf.gather(split.xs, indices);
  const xb = augment ? tf.tidy(() => augment(gathered, step)) : gathered;
  if (xb !== gathered) gathered.dispose();
  const yb = split.ys ? tf.gather(split.ys, indices) : null;
  let result: StepTensors | undefined;
  try {
    result = batchGradients(plan, xb, yb);
    const { loss, correct, grads } = result;
    const stats = tf.tidy(() => {
      const g = Object.values(grads);
      // Any NaN/Inf in any gradient makes this sum non-finite: one read checks them all.
      const gradCheck = g.length > 0 ? tf.addN(g.map((t) => tf.sum(tf.mul(t, 0)))) : tf.scalar(0);
      return tf.stack([loss, correct ?? tf.scalar(NaN), gradCheck]);
    });
    const [lossValue, hits, gradCheck] = await stats.data();
    stats.dispose();
    if (!Number.isFinite(lossValue) || !Number.isFinite(gradCheck)) {
      throw new BonsaiError('TRAINING_DIVERGED',
        `Error in trainModel: at step ${step} the ${Number.isFinite(lossValue) ? 'gradients are' : `loss is ${lossValue}`} not finite; the step was not applied.`,
        'Lower the learning rate (e.g. by 10×), or check the data for NaN values.');
    }
    optimizer.applyGradients(grads);
    return [lossValue, hits];
  } finally {
    tf.dispose([indices, xb]);
    yb?.dispose();
    if (result) {
      result.loss.dispose();
      result.correct?.dispose();
      tf.dispose(Object.values(result.grads));
    }
  }
}

/** Mean loss and top-1 accuracy over a split, batched; undefined where not computable. */
async function validate(
  plan: StepPlan,
  split: DatasetSplit,
  batchSize: number,
  signal: AbortSignal | undefined,
  onBatch: (batch: number) => void,
): Promise<{ loss?: number; accuracy?: number }> {
  let lossSum = 0;
  let hits = 0;
  await forEachBatch(split.count, batchSize, signal, async (start, size, index) => {
    const xb = sliceRows(split.xs, start, size);
    const yb = split.ys ? sliceRows(split.ys, start, size) : null;
    try {
      const r = batchEvaluation(plan, xb, yb);
      const [l, h] = await r.data();
      r.dispose();
      lossSum += l;
      hits += h;
    } finally {
      xb.dispose();
      yb?.dispose();
    }
    onBatch(index + 1);
  });
  const out: { loss?: number; accuracy?: number } = {};
  if (!Number.isNaN(lossSum)) out.loss = lossSum / split.count;
  if (split.ys) out.accuracy = hits / split.count;
  return out;
}

function throttled(onProgress: ((p: TrainProgress) => void) | undefined): (p: TrainProgress, force: boolean) => void {
  let last = -Infinity;
  return (p, force) => {
    if (!onProgress) return;
    const now = performance.now();
    if (!force && now - last < PROGRESS_INTERVAL_MS) return;
    last = now;
    onProgress(p);
  };
}
