/**
 * The teacher's logits for whatever batch the training loop is on.
 *
 * Without augmentation the teacher's logits are computed once per split and cached. The loss hook
 * is not told which rows it got, so the training batches are found the way the loop draws them:
 * batch b of epoch e is rows [b·batchSize, (b+1)·batchSize) of seededPermutation(n,
 * epochSeed(seed, e)) (train/loop.ts), counted by training steps; validation walks the split in
 * order. A test (targets.test.ts) checks that the cached run's losses equal those of a run that
 * computes the teacher on every batch. With augmentation each training batch is new, so the
 * teacher runs on the augmented batch itself, in the augment hook: outside the gradient tape, on
 * exactly the pixels the student sees.
 */
import * as tf from '@tensorflow/tfjs-core';
import { seededShift } from '../../data/augment';
import type { DatasetSplit } from '../../data/types';
import { BonsaiError } from '../../errors';
import { epochSeed, seededPermutation } from '../../train/shuffle';
import type { LossContext, TrainHooks } from '../../train/types';
import type { TrainSettings } from './meta';
import { teacherLogits, type TeacherForward } from './teacher-logits';

/** Augmentation applies to image batches (NHWC) only. */
export const canAugment = (split: DatasetSplit) => split.xs.rank === 4;

export interface TeacherTargetsOptions {
  forward: TeacherForward;
  train: DatasetSplit;
  validation?: DatasetSplit;
  settings: TrainSettings;
  augment: boolean;
  signal?: AbortSignal;
}

function internal(what: string): BonsaiError {
  return new BonsaiError('INTERNAL', `Error in distill: ${what}.`);
}

export class TeacherTargets {
  private trainCache: tf.Tensor2D | null = null;
  /** The teacher's logits on the validation split (also its validation accuracy). */
  validationLogits: tf.Tensor2D | null = null;
  private pending: tf.Tensor | null = null;
  private steps = 0;
  private validationOffset = 0;
  private order: { epoch: number; rows: Int32Array } | null = null;

  private constructor(private readonly opts: TeacherTargetsOptions) {}

  /** Runs the teacher over what can be cached. Nothing is left allocated if this fails or is cancelled. */
  static async create(opts: TeacherTargetsOptions): Promise<TeacherTargets> {
    const t = new TeacherTargets(opts);
    try {
      if (!opts.augment) t.trainCache = await teacherLogits(opts.forward, opts.train, opts.signal);
      if (opts.validation) t.validationLogits = await teacherLogits(opts.forward, opts.validation, opts.signal);
      return t;
    } catch (e) {
      t.dispose();
      throw e;
    }
  }

  /** Hooks for trainModel: the augmentation (when on) and the cleanup of each step's teacher batch. */
  hooks(): Pick<TrainHooks, 'augment' | 'afterStep'> {
    const { augment, settings, forward } = this.opts;
    return {
      ...(augment
        ? {
            augment: (xs: tf.Tensor, step: number) => {
              const shifted = seededShift(xs, step, settings.seed);
              this.pending?.dispose();
              this.pending = tf.keep(forward(shifted));
              return shifted;
            },
          }
        : {}),
      afterStep: () => {
        this.pending?.dispose();
        this.pending = null;
      },
    };
  }

  /** The teacher's logits for the batch a loss call is on (inside the caller's tidy). */
  forBatch(ctx: Pick<LossContext, 'xs' | 'training'>): tf.Tensor {
    const rows = ctx.xs.shape[0];
    if (!ctx.training) return this.validationBatch(rows);
    this.steps++;
    if (this.opts.augment) {
      if (!this.pending || this.pending.shape[0] !== rows) throw internal('the teacher has no outputs for this augmented batch');
      return this.pending;
    }
    const idx = this.trainingRows(this.steps);
    if (!this.trainCache || idx.length !== rows) {
      throw internal(`step ${this.steps} has ${rows} examples but the cached teacher outputs expected ${idx.length}; the training loop's batch order changed`);
    }
    return tf.gather(this.trainCache, tf.tensor1d(idx, 'int32'));
  }

  private validationBatch(rows: number): tf.Tensor {
    const v = this.validationLogits;
    if (!v || this.validationOffset + rows > v.shape[0]) throw internal('validation batches do not line up with the cached teacher outputs');
    const out = tf.slice(v, [this.validationOffset, 0], [rows, -1]);
    this.validationOffset = (this.validationOffset + rows) % v.shape[0];
    return out;
  }

  /** The rows of training step `step` (1-based), drawn as train/loop.ts draws them. */
  private trainingRows(step: number): Int32Array {
    const { train, settings } = this.opts;
    const n = train.count;
    const perEpoch = Math.min(Math.ceil(n / settings.batchSize), settings.maxBatchesPerEpoch ?? Infinity);
    const epoch = Math.floor((step - 1) / perEpoch) + 1;
    const b = (step - 1) % perEpoch;
    if (this.order?.epoch !== epoch) this.order = { epoch, rows: seededPermutation(n, epochSeed(settings.seed, epoch)) };
    return this.order.rows.subarray(b * settings.batchSize, Math.min(n, (b + 1) * settings.batchSize));
  }

  dispose(): void {
    tf.dispose([this.trainCache, this.validationLogits, this.pending].filter((t): t is tf.Tensor => t !== null));
    this.trainCache = null;
    this.validationLogits = null;
    this.pending = null;
  }
}
