/**
 * A distillation run: resolve the teacher, read its output kind, build the student, train it on
 * the teacher's soft targets (plus labels, weighted by α) and — on labeled data — train the same
 * student from the same initial weights, data order and budget on hard labels alone. Both are
 * written only once both runs have finished, so a cancel leaves nothing behind; the baseline is
 * emitted, the distilled student returned. Every tensor made here (teacher outputs, students) is
 * released on every path; the teacher itself belongs to the runner (or is the input).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { DatasetSplit } from '../../data/types';
import { BonsaiError } from '../../errors';
import { DEFAULT_EVAL_BATCH_SIZE, forEachBatch, inputAdapter, sliceRows } from '../../metrics/batches';
import { paramsOf } from '../../metrics/size';
import type { LoadedModel } from '../../model/loaded';
import { cloneLayersModel } from '../../model/serialize';
import { throwIfAborted } from '../../runtime/yield';
import { toLogits } from '../../train/loss';
import { trainModel } from '../../train/loop';
import type { LossContext, TrainHistory, TrainProgress } from '../../train/types';
import { variantOutput, type RunContext, type TechniqueContext, type TechniqueOutput } from '../types';
import { distillationLoss } from './loss';
import { validateDistillConfig, type DistillConfig } from './meta';
import { distillNotes, studentRows, type RunFacts } from './report';
import { buildStudent, exportStudent, type BuiltStudent } from './students';
import { seededShift } from '../../data/augment';
import { canAugment, TeacherTargets } from './targets';
import { teacherClasses, teacherForward, teacherOutputKind, top1Agreement } from './teacher-logits';

const OP = 'distill';

/** Optimizer steps per epoch of one training run (as train/loop.ts counts them). */
function stepsPerEpoch(cfg: DistillConfig, count: number): number {
  return Math.min(Math.ceil(count / cfg.train.batchSize), cfg.train.maxBatchesPerEpoch ?? Infinity);
}

/** Training progress → job progress: one bar over both runs, validation accuracy per epoch as chart points. */
function runProgress(ctx: TechniqueContext, label: string, series: string, offset: number, total: number): (p: TrainProgress) => void {
  return (p) => {
    const point = p.epochDone && p.valAccuracy !== undefined ? { series, x: p.epoch, y: p.valAccuracy, xUnit: 'epoch' as const } : undefined;
    ctx.progress(`${label} · epoch ${p.epoch}/${p.epochs} · loss ${p.loss.toFixed(4)}`, Math.min(total, offset + p.step), total, point);
  };
}

/** The student must take the data and answer with the teacher's classes. */
function checkStudentFits(student: LayersModel, classes: number, train: DatasetSplit): void {
  inputAdapter(student.inputs[0].shape.map((d) => d ?? -1), train.xs.shape, `${OP} (student)`);
  const out = student.outputs[0].shape;
  if (student.outputs.length !== 1 || out.length !== 2 || out[1] !== classes) {
    throw new BonsaiError('OUTPUT_MISMATCH', `Error in ${OP}: the student outputs [${out.map((d) => d ?? '?').join(', ')}] but the teacher outputs ${classes} classes.`,
      'Pick a student made for the same classes as the teacher.');
  }
}

/** Top-1 agreement of the student with the teacher on the validation split (unlabeled data's progress). */
async function agreementWithTeacher(student: LayersModel, split: DatasetSplit, teacherLogits: tf.Tensor2D, signal?: AbortSignal): Promise<number> {
  const adapt = inputAdapter(student.inputs[0].shape.map((d) => d ?? -1), split.xs.shape, OP);
  let same = 0;
  await forEachBatch(split.count, DEFAULT_EVAL_BATCH_SIZE, signal, async (start, size) => {
    const hits = tf.tidy(() => {
      const s = student.predict(adapt(sliceRows(split.xs, start, size))) as tf.Tensor;
      return tf.sum(tf.cast(tf.equal(tf.argMax(s, -1), tf.argMax(sliceRows(teacherLogits, start, size), -1)), 'float32'));
    });
    same += (await hits.data())[0];
    hits.dispose();
  });
  return same / split.count;
}

async function resolveTeacher(ctx: RunContext, cfg: DistillConfig): Promise<{ teacher: LoadedModel; name: string }> {
  // Named as the user knows it (never by the Keras model name, e.g. "sequential_1").
  if (cfg.teacher.kind === 'input') {
    return { teacher: ctx.input, name: ctx.nameOf?.(ctx.input) ?? 'the open model' };
  }
  const teacher = await ctx.resolveModel(cfg.teacher);
  return { teacher, name: ctx.nameOf?.(teacher) ?? (cfg.teacher.kind === 'sample' ? cfg.teacher.sampleId : 'the chosen teacher') };
}

const lastValAccuracy = (h: TrainHistory | null) => h?.epochs[h.epochs.length - 1]?.valAccuracy ?? null;

export async function runDistill(ctx: RunContext, config: DistillConfig): Promise<TechniqueOutput> {
  const cfg = validateDistillConfig(config);
  throwIfAborted(ctx.signal);
  const train = ctx.data.train;
  if (!train || train.count < 1) {
    throw new BonsaiError('NO_TRAINING_DATA', `Error in ${OP}: a student is trained on data, and there is no training split.`,
      'Load a dataset — labeled, or unlabeled images (the teacher labels them).');
  }
  const labeled = train.ys !== null;
  // A validation split must match the training split's kind (labels or not) to share its loss.
  const validation = ctx.data.validation && (ctx.data.validation.ys !== null) === labeled ? ctx.data.validation : undefined;
  const { teacher, name: teacherName } = await resolveTeacher(ctx, cfg);
  const teacherKind = teacherOutputKind(teacher);
  const forward = teacherForward(teacher, teacherKind, train.xs.shape);
  const classes = teacherClasses(forward, train);
  if (train.ys && train.ys.shape[1] !== classes) {
    throw new BonsaiError('OUTPUT_MISMATCH', `Error in ${OP}: the teacher outputs ${classes} classes, but the labels have ${train.ys.shape[1]}.`,
      'Use a teacher made for this dataset, or an unlabeled copy of the data.');
  }
  const augmented = cfg.augment && canAugment(train);

  const built: BuiltStudent = await buildStudent(cfg.student, {
    teacher, teacherKind, dataShape: train.xs.shape.slice(1), classes, seed: cfg.train.seed, resolveModel: (ref) => ctx.resolveModel(ref),
  });
  let scratch: LayersModel | null = null;
  let targets: TeacherTargets | null = null;
  try {
    const student = built.model;
    checkStudentFits(student, classes, train);
    const baseline: RunFacts['baseline'] = !labeled ? 'unlabeled' : cfg.baseline ? 'trained' : 'off';
    // Same initial weights: a copy taken before any training.
    if (baseline === 'trained') scratch = await cloneLayersModel(student);
    targets = await TeacherTargets.create({ forward, train, validation, settings: cfg.train, augment: augmented, signal: ctx.signal });
    const teacherLogitsVal = targets.validationLogits;

    const perEpoch = stepsPerEpoch(cfg, train.count);
    const runSteps = cfg.train.epochs * perEpoch;
    const total = runSteps * (scratch ? 2 : 1);
    const teacherVal = validation?.ys && teacherLogitsVal ? await top1Agreement(teacherLogitsVal, validation.ys) : null;
    if (teacherVal !== null) {
      for (const x of new Set([1, cfg.train.epochs])) ctx.progress('teacher · validation accuracy', 0, total, { series: 'teacher', x, y: teacherVal, xUnit: 'epoch' });
    }

    const t = targets;
    const distilledHistory = await trainModel(student, { train, validation }, cfg.train, {
      signal: ctx.signal,
      onProgress: runProgress(ctx, 'distilling', 'distilled', 0, total),
      hooks: {
        ...t.hooks(),
        loss: (lc: LossContext) =>
          tf.tidy(() => distillationLoss({
            studentLogits: toLogits(lc.outputs, lc.outputKind),
            teacherLogits: t.forBatch(lc),
            labels: lc.ys,
            temperature: cfg.temperature,
            alpha: cfg.alpha,
          })),
        ...(!labeled && validation && teacherLogitsVal
          ? {
              onEpochEnd: async (epoch: number) => {
                const y = await agreementWithTeacher(student, validation, teacherLogitsVal, ctx.signal);
                ctx.progress(`distilling · epoch ${epoch}/${cfg.train.epochs} · agreement with the teacher ${(100 * y).toFixed(1)}%`, epoch * perEpoch, total, { series: 'teacher agreement', x: epoch, y, xUnit: 'epoch' });
              },
            }
          : {}),
      },
    });
    targets.dispose();
    targets = null;

    let scratchHistory: TrainHistory | null = null;
    if (scratch) {
      scratchHistory = await trainModel(scratch, { train, validation }, cfg.train, {
        signal: ctx.signal,
        onProgress: runProgress(ctx, 'scratch baseline', 'scratch', runSteps, total),
        hooks: augmented ? { augment: (xs, step) => seededShift(xs, step, cfg.train.seed) } : {},
      });
    }

    const studentFiles = await exportStudent(student, built);
    const scratchFiles = scratch ? await exportStudent(scratch, built) : null;
    const facts: RunFacts = {
      cfg, teacherKind, labeled, augmented, baseline, built,
      studentParams: student.countParams(),
      teacherParams: paramsOf(teacher),
      augmentSkippedShape: cfg.augment && !augmented ? train.xs.shape.slice(1) : null,
      hasDropout: student.layers.some((l) => /Dropout/.test(l.getClassName())),
      validation: validation ? { count: validation.count, teacher: teacherVal, distilled: lastValAccuracy(distilledHistory), scratch: lastValAccuracy(scratchHistory) } : null,
    };
    const notes = distillNotes(facts);
    const perLayer = studentRows(student, built, teacher);
    const budget = `${cfg.train.epochs} epoch${cfg.train.epochs > 1 ? 's' : ''}${augmented ? ' with ±2 px shifts' : ''}`;
    throwIfAborted(ctx.signal);
    if (scratch && scratchFiles && scratchHistory) {
      await ctx.emit(variantOutput({
        files: scratchFiles,
        name: `${built.shortName} student · scratch`,
        step: `scratch baseline: ${built.description}, trained on hard labels only, ${budget}`,
        perLayer,
        notes: [`The same student as the distilled one (same initial weights, data order and budget), trained without the teacher ${teacherName}.`],
        history: scratchHistory,
        role: 'scratch baseline',
      }));
    }
    return variantOutput({
      files: studentFiles,
      name: `${built.shortName} student · distilled from ${teacherName}`,
      step: `distilled from ${teacherName} into a ${built.description}: T ${cfg.temperature}, α ${labeled ? cfg.alpha : 0}, ${budget}`,
      perLayer,
      notes,
      history: distilledHistory,
      role: 'student',
    });
  } finally {
    targets?.dispose();
    built.model.dispose();
    scratch?.dispose();
  }
}
