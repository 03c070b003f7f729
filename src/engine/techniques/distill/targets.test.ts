import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DatasetSplit } from '../../data/types';
import { disposeLoaded } from '../../model/load';
import type { LoadedModel } from '../../model/loaded';
import { describeEachBackend } from '../../test-utils/backends';
import { loadedLayers } from '../../test-utils/model-fixtures';
import { denseClassifier, disposeSplit, mnistSplit } from '../../test-utils/train-fixtures';
import { toLogits } from '../../train/loss';
import { trainModel } from '../../train/loop';
import type { LossContext, TrainHistory, TrainHooks } from '../../train/types';
import { distillationLoss } from './loss';
import type { TrainSettings } from './meta';
import { seededShift } from '../../data/augment';
import { TeacherTargets } from './targets';
import { teacherForward } from './teacher-logits';

const student = () => denseClassifier({ inputs: 784, hidden: [8], classes: 10, head: 'linear', seed: 4 });
const LOSS = { temperature: 3, alpha: 0.4 };

/** Train a fresh student with these hooks; the teacher targets come from `teacherFor`. */
async function train(data: { train: DatasetSplit; validation: DatasetSplit }, settings: TrainSettings, hooks: TrainHooks, teacherFor: (lc: LossContext) => tf.Tensor): Promise<TrainHistory> {
  const model = student();
  try {
    return await trainModel(model, data, settings, {
      hooks: {
        ...hooks,
        loss: (lc) => tf.tidy(() => distillationLoss({ studentLogits: toLogits(lc.outputs, lc.outputKind), teacherLogits: teacherFor(lc), labels: lc.ys, ...LOSS })),
      },
    });
  } finally {
    model.dispose();
  }
}

const losses = (h: TrainHistory) => h.epochs.flatMap((e) => [e.loss, e.valLoss ?? NaN]);

describeEachBackend('teacher targets', () => {
  let teacher: LoadedModel;
  let images: DatasetSplit;
  let validation: DatasetSplit;
  beforeAll(async () => {
    teacher = await loadedLayers(denseClassifier({ inputs: 784, hidden: [16], classes: 10, seed: 9 }));
    images = mnistSplit('train', 90);
    validation = mnistSplit('test', 40);
  });
  afterAll(() => {
    disposeLoaded(teacher);
    disposeSplit(images);
    disposeSplit(validation);
  });

  it.each([
    ['a partial last batch', { epochs: 2, batchSize: 16, learningRate: 0.01, optimizer: 'adam', seed: 3 }],
    ['batches capped per epoch', { epochs: 3, batchSize: 16, learningRate: 0.01, optimizer: 'adam', seed: 5, maxBatchesPerEpoch: 2 }],
  ] as [string, TrainSettings][])('cached teacher outputs line up with the loop’s batches (%s)', async (_, settings) => {
    const data = { train: images, validation };
    // Reference: the teacher run on every batch the loss sees (lc.xs is the batch as the student takes it).
    const onBatch = teacherForward(teacher, 'probabilities', [1, 784]);
    const reference = await train(data, settings, {}, (lc) => onBatch(lc.xs));
    const targets = await TeacherTargets.create({ forward: teacherForward(teacher, 'probabilities', images.xs.shape), train: images, validation, settings, augment: false });
    try {
      const cached = await train(data, settings, targets.hooks(), (lc) => targets.forBatch(lc));
      const want = losses(reference);
      losses(cached).forEach((l, i) => expect(l).toBeCloseTo(want[i], 5));
    } finally {
      targets.dispose();
    }
  });

  it('with augmentation the teacher sees the same shifted batch as the student', async () => {
    const settings: TrainSettings = { epochs: 1, batchSize: 30, learningRate: 0.01, optimizer: 'adam', seed: 2 };
    const data = { train: images, validation };
    const onBatch = teacherForward(teacher, 'probabilities', [1, 784]);
    const reference = await train(data, settings, { augment: (xs, step) => seededShift(xs, step, settings.seed) }, (lc) => onBatch(lc.xs));
    const targets = await TeacherTargets.create({ forward: teacherForward(teacher, 'probabilities', images.xs.shape), train: images, validation, settings, augment: true });
    try {
      const augmented = await train(data, settings, targets.hooks(), (lc) => targets.forBatch(lc));
      const want = losses(reference);
      losses(augmented).forEach((l, i) => expect(l).toBeCloseTo(want[i], 5));
    } finally {
      targets.dispose();
    }
  });
});
