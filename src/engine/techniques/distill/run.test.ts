import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DatasetSplit } from '../../data/types';
import { BonsaiError, isAbortError } from '../../errors';
import { disposeLoaded, loadPrepared } from '../../model/load';
import type { LoadedModel } from '../../model/loaded';
import type { InputFile } from '../../model/types';
import { prepareModel } from '../../model/validate';
import { describeEachBackend } from '../../test-utils/backends';
import { loadedLayers } from '../../test-utils/model-fixtures';
import { denseClassifier, disposeSplit, mnistSplit } from '../../test-utils/train-fixtures';
import type { TechniqueOutput, VariantOutput } from '../types';
import { DISTILL_DEFAULTS, type DistillConfig } from './meta';
import { DISTILL } from './technique';
import { fakeRun, graphTeacher, unlabeled } from './test-utils/distill-fixtures';

const QUICK: DistillConfig = {
  ...DISTILL_DEFAULTS,
  augment: true,
  train: { epochs: 1, batchSize: 16, learningRate: 0.005, optimizer: 'adam', seed: 1, maxBatchesPerEpoch: 3 },
};

const variant = (o: TechniqueOutput): VariantOutput => {
  expect(o.kind).toBe('variant');
  return o as VariantOutput & { kind: 'variant' };
};

/** Open the files as a user's files are opened, and check the rows of one prediction sum to 1. */
async function loadsAsProbabilities(files: InputFile[], inputShape: number[]): Promise<void> {
  const loaded = await loadPrepared(prepareModel(files));
  try {
    expect(loaded.format).toBe('layers');
    const sums = tf.tidy(() => tf.sum(loaded.model.predict(tf.ones([2, ...inputShape])) as tf.Tensor, -1));
    expect(Array.from(await sums.data()).map((v) => +v.toFixed(4))).toEqual([1, 1]);
    sums.dispose();
  } finally {
    disposeLoaded(loaded);
  }
}

async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(() => expect.unreachable('expected the run to fail'), (e: unknown) => e);
}

describeEachBackend('distill run', () => {
  let train: DatasetSplit;
  let validation: DatasetSplit;
  let teacher: LoadedModel;
  beforeAll(async () => {
    train = mnistSplit('train', 64);
    validation = mnistSplit('test', 32);
    teacher = await loadedLayers(denseClassifier({ inputs: 784, hidden: [32], classes: 10, seed: 3 }));
  });
  afterAll(() => {
    disposeSplit(train);
    disposeSplit(validation);
    disposeLoaded(teacher);
  });

  it('labeled: emits the scratch baseline, returns the student; both load like a user’s files', async () => {
    const run = fakeRun(teacher, { train, validation }, { names: new Map([[teacher, 'lenet-5']]) });
    const out = variant(await DISTILL.run(run.ctx, QUICK));
    // Named by the display name the runner gives, never by the Keras model name ("sequential_1").
    expect(out.name).toMatch(/distilled from lenet-5$/);
    if (teacher.format === 'layers') expect(out.name).not.toContain(teacher.model.name);
    expect(run.emitted).toHaveLength(1);
    const scratch = variant(run.emitted[0]);
    expect(out.role).toBe('student');
    expect(scratch.role).toBe('scratch baseline');
    expect(out.history?.epochs).toHaveLength(1);
    expect(scratch.history?.epochs).toHaveLength(1);
    await loadsAsProbabilities(out.files, [784]);
    await loadsAsProbabilities(scratch.files, [784]);

    expect(new Set(run.points.map((p) => p.series))).toEqual(new Set(['teacher', 'distilled', 'scratch']));
    const names = teacher.format === 'layers' ? teacher.model.layers.map((l) => l.name) : [];
    expect(out.perLayer.map((r) => [r.layer, r.units, r.teacherUnits])).toEqual([[names[0], 8, 32], [names[1], 10, 10]]);
    const notes = out.notes.join('\n');
    expect(notes).toMatch(/T = 4, α = 0\.5/);
    expect(notes).toMatch(/teacher ends in softmax: log-probabilities used as logits/i);
    expect(notes).toMatch(/Student: 6,370 parameters .* teacher: 25,450 — 4\.0× fewer/);
    expect(notes).toMatch(/seeded ±2 px shifts; the teacher runs on each augmented batch/);
    expect(notes).toMatch(/Scratch baseline: the same student from the same initial weights/);
    expect(notes).toMatch(/Validation accuracy \(32 examples/);
  });

  it('α = 1 and no augmentation: the distilled run is the scratch run (same start, order and budget)', async () => {
    const run = fakeRun(teacher, { train, validation });
    const out = variant(await DISTILL.run(run.ctx, { ...QUICK, alpha: 1, augment: false }));
    const scratch = variant(run.emitted[0]);
    const losses = (v: VariantOutput) => v.history!.epochs.map((e) => e.loss);
    losses(out).forEach((l, i) => expect(l).toBeCloseTo(losses(scratch)[i], 4));
    expect(out.notes.join(' ')).toMatch(/computed once and cached/);
  });

  it('unlabeled data with a GraphModel teacher: soft targets only, no baseline, agreement charted', async () => {
    const graph = await graphTeacher('Softmax');
    try {
      const run = fakeRun(graph, { train: unlabeled(train), validation: unlabeled(validation) });
      const config: DistillConfig = { ...QUICK, student: { kind: 'preset', preset: 'mlp' }, alpha: 0.5 };
      const out = variant(await DISTILL.run(run.ctx, config));
      expect(run.emitted).toHaveLength(0);
      expect(out.history?.epochs[0].accuracy).toBeNull();
      expect(Number.isFinite(out.history?.epochs[0].loss)).toBe(true);
      expect(run.points.map((p) => p.series)).toEqual(['teacher agreement']);
      const notes = out.notes.join('\n');
      expect(notes).toMatch(/soft targets alone \(α = 0, not the 0\.5 set\)/);
      expect(notes).toMatch(/No scratch baseline: the data has no labels/);
      expect(notes).toMatch(/Warning: the student \(50,890 parameters\) is not smaller than the teacher \(7,850\)/);
      await loadsAsProbabilities(out.files, [28, 28, 1]); // the preset takes the data as it comes
    } finally {
      disposeLoaded(graph);
    }
  });

  it('a teacher by reference, and a library student re-trained from its weights', async () => {
    const studentModel = await loadedLayers(denseClassifier({ inputs: 784, hidden: [4], classes: 10, seed: 8 }));
    try {
      const run = fakeRun(studentModel, { train, validation }, { models: { big: teacher, small: studentModel } });
      const out = variant(await DISTILL.run(run.ctx, { ...QUICK, teacher: { kind: 'sample', sampleId: 'big' }, student: { kind: 'model', ref: { kind: 'library', libraryId: 'small' } }, baseline: false }));
      expect(run.resolved).toEqual([{ kind: 'sample', sampleId: 'big' }, { kind: 'library', libraryId: 'small' }]);
      expect(out.name).toMatch(/distilled from big/);
      expect(out.notes.join(' ')).toMatch(/No scratch baseline \(turned off\)/);
      expect(run.emitted).toHaveLength(0);
    } finally {
      disposeLoaded(studentModel);
    }
  });

  it('refuses teachers and students that do not fit the data', async () => {
    const fiveClasses = await loadedLayers(denseClassifier({ inputs: 784, hidden: [4], classes: 5 }));
    const wrongInput = await loadedLayers(denseClassifier({ inputs: 100, hidden: [4], classes: 10 }));
    try {
      const e1 = await failure(DISTILL.run(fakeRun(fiveClasses, { train }).ctx, QUICK));
      expect((e1 as BonsaiError).code).toBe('OUTPUT_MISMATCH');
      expect((e1 as BonsaiError).message).toMatch(/teacher outputs 5 classes, but the labels have 10/);
      const e2 = await failure(DISTILL.run(fakeRun(wrongInput, { train }).ctx, QUICK));
      expect((e2 as BonsaiError).code).toBe('WRONG_INPUT_SHAPE');
      const e3 = await failure(DISTILL.run(fakeRun(teacher, { train }, { models: { s: fiveClasses } }).ctx, { ...QUICK, student: { kind: 'model', ref: { kind: 'library', libraryId: 's' } } }));
      expect((e3 as BonsaiError).code).toBe('OUTPUT_MISMATCH');
      const e4 = await failure(DISTILL.run(fakeRun(teacher, {}).ctx, QUICK));
      expect((e4 as BonsaiError).code).toBe('NO_TRAINING_DATA');
    } finally {
      disposeLoaded(fiveClasses);
      disposeLoaded(wrongInput);
    }
  });

  it('cancelling before or during training leaks nothing and emits nothing', async () => {
    const before = new AbortController();
    before.abort();
    expect(isAbortError(await failure(DISTILL.run(fakeRun(teacher, { train, validation }, { signal: before.signal }).ctx, QUICK)))).toBe(true);

    const during = new AbortController();
    const run = fakeRun(teacher, { train, validation }, { signal: during.signal });
    const progress = run.ctx.progress;
    run.ctx.progress = (phase, done, total, point) => {
      progress(phase, done, total, point);
      if (phase.startsWith('scratch baseline')) during.abort(); // the distilled run is done: cancel the baseline
    };
    expect(isAbortError(await failure(DISTILL.run(run.ctx, { ...QUICK, train: { ...QUICK.train, epochs: 2 } })))).toBe(true);
    expect(run.emitted).toHaveLength(0);
  });
});
