import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { expect, it } from 'vitest';
import { BonsaiError } from '../../errors';
import { layersModelFlops } from '../../metrics/flops';
import { paramsOf } from '../../metrics/size';
import { summarize } from '../../metrics/summary';
import { disposeLoaded, loadPrepared } from '../../model/load';
import type { LoadedModel } from '../../model/loaded';
import { prepareModel } from '../../model/validate';
import { describeEachBackend } from '../../test-utils/backends';
import { loadedLayers } from '../../test-utils/model-fixtures';
import { weightValues } from '../../test-utils/train-fixtures';
import type { StudentSpec } from './meta';
import { presetSize } from './presets';
import { estimateStudentSize, type StudentSizeEstimate } from './size';
import { buildStudent, exportStudent, measureStudent, type StudentContext } from './students';
import { cnnTeacher, graphTeacher } from './test-utils/distill-fixtures';

function context(teacher: LoadedModel, dataShape = [28, 28, 1], seed = 1): StudentContext {
  return { teacher, teacherKind: 'probabilities', dataShape, classes: 10, seed, resolveModel: async () => { throw new Error('no library'); } };
}

async function withTeacher<T>(fn: (t: LoadedModel) => Promise<T>): Promise<T> {
  const t = await loadedLayers(cnnTeacher());
  try {
    return await fn(t);
  } finally {
    disposeLoaded(t);
  }
}

const kernelShapes = (m: tfl.LayersModel) => Object.fromEntries(m.weights.filter((w) => w.originalName.endsWith('kernel')).map((w) => [w.originalName, w.shape]));

async function expectCode(p: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  const e = await p.then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(BonsaiError);
  expect((e as BonsaiError).code).toBe(code);
  if (message) expect((e as BonsaiError).message).toMatch(message);
}

describeEachBackend('distill students', () => {
  it.each([
    ['width ¼', { kind: 'scaled', width: 0.25 }, { conv1: 2, conv2: 2, conv3: 2, fc1: 4 }, []],
    ['width ½ + override', { kind: 'scaled', width: 0.5, perLayer: { conv1: 5, fc1: 3 } }, { conv1: 5, conv2: 4, conv3: 4, fc1: 3 }, []],
    ['width ½, repeats dropped', { kind: 'scaled', width: 0.5, dropRepeated: true }, { conv1: 4, conv2: 4, fc1: 8 }, ['conv3', 'bn3', 'relu3']],
    ['width ¼ without dropout', { kind: 'scaled', width: 0.25, removeDropout: true }, { conv1: 2, conv2: 2, conv3: 2, fc1: 4 }, []],
  ] as [string, StudentSpec, Record<string, number>, string[]][])('scaled copy (%s): widths, shapes, and the UI estimate equals the real size', async (_, spec, widths, dropped) => {
    await withTeacher(async (teacher) => {
      const s = await buildStudent(spec, context(teacher));
      try {
        const m = s.model;
        expect(Object.fromEntries(s.widths.map((w) => [w.layer, w.student]))).toEqual(widths);
        expect(s.dropped).toEqual(dropped);
        expect(m.layers.some((l) => l.getClassName() === 'Dropout')).toBe(!(spec.kind === 'scaled' && spec.removeDropout));
        const c1 = widths.conv1;
        expect(kernelShapes(m)['conv1/kernel']).toEqual([3, 3, 1, c1]);
        expect(kernelShapes(m)['fc2/kernel']).toEqual([widths.fc1, 10]);
        expect(m.getLayer('bn2').getWeights()[0].shape).toEqual([widths.conv2]);
        expect(m.outputs[0].shape).toEqual([null, 10]);
        const estimate = estimateStudentSize(await summarize(teacher), spec, { shape: [28, 28, 1], classes: 10 }) as StudentSizeEstimate;
        expect(estimate.exact).toBe(true);
        expect(estimate.params).toBe(m.countParams());
        expect(estimate.flops).toBe(layersModelFlops(m).flops);
        expect(estimate.dropped).toEqual(dropped);
        expect(await measureStudent(spec, context(teacher))).toEqual({ params: m.countParams(), flops: layersModelFlops(m).flops });
      } finally {
        s.model.dispose();
      }
    });
  });

  it('the UI estimate of a width-¼ copy of the teacher sample is exact and ≥ 10× smaller', async () => {
    const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../public/samples/teacher-cnn');
    const files = readdirSync(dir).map((f) => ({ path: f, bytes: new Uint8Array(readFileSync(path.join(dir, f))) }));
    const teacher = await loadPrepared(prepareModel(files));
    try {
      const spec: StudentSpec = { kind: 'scaled', width: 0.25 };
      const estimate = estimateStudentSize(await summarize(teacher), spec, { shape: [28, 28, 1], classes: 10 }) as StudentSizeEstimate;
      const exact = await measureStudent(spec, context(teacher));
      expect(estimate).toMatchObject({ ...exact, exact: true });
      expect(paramsOf(teacher) / exact.params).toBeGreaterThanOrEqual(10);
    } finally {
      disposeLoaded(teacher);
    }
  });

  it('the same seed builds the same initial weights; another seed, others', async () => {
    await withTeacher(async (teacher) => {
      const spec: StudentSpec = { kind: 'scaled', width: 0.5 };
      const [a, b, c] = [await buildStudent(spec, context(teacher)), await buildStudent(spec, context(teacher)), await buildStudent(spec, context(teacher, undefined, 2))];
      try {
        expect(weightValues(a.model)).toEqual(weightValues(b.model));
        expect(weightValues(a.model)[0]).not.toEqual(weightValues(c.model)[0]);
      } finally {
        [a, b, c].forEach((s) => s.model.dispose());
      }
    });
  });

  it('trains on logits and writes the softmax back on export (stock TF.js reads probabilities)', async () => {
    await withTeacher(async (teacher) => {
      const s = await buildStudent({ kind: 'scaled', width: 0.25 }, context(teacher));
      try {
        expect(s.model.getLayer('fc2').getConfig().activation).toBe('linear');
        expect(s.exportActivation).toEqual({ layer: 'fc2', activation: 'softmax' });
        const files = await exportStudent(s.model, s);
        const stock = await tfl.loadLayersModel(tf.io.fromMemory(prepareModel(files).artifacts));
        try {
          expect(stock.getLayer('fc2').getConfig().activation).toBe('softmax');
          const sums = tf.tidy(() => tf.sum(stock.predict(tf.ones([2, 28, 28, 1])) as tf.Tensor, -1));
          expect(Array.from(await sums.data()).map((v) => +v.toFixed(4))).toEqual([1, 1]);
          sums.dispose();
        } finally {
          stock.dispose();
        }
      } finally {
        s.model.dispose();
      }
    });
  });

  it.each(['tiny-cnn', 'separable-cnn', 'mlp'] as const)('preset %s: built size equals presetSize', async (preset) => {
    await withTeacher(async (teacher) => {
      const s = await buildStudent({ kind: 'preset', preset }, context(teacher));
      try {
        const size = presetSize(preset, [28, 28, 1], 10);
        expect(s.model.countParams()).toBe(size.params);
        expect(layersModelFlops(s.model).flops).toBe(size.flops);
        expect(s.exportActivation).toEqual({ layer: 'classifier', activation: 'softmax' });
      } finally {
        s.model.dispose();
      }
    });
  });

  it('refuses what cannot be built, naming the field or the reason', async () => {
    await withTeacher(async (teacher) => {
      await expectCode(buildStudent({ kind: 'scaled', width: 0.5, perLayer: { conv9: 3 } }, context(teacher)), 'BAD_CONFIG', /student\.perLayer names 'conv9'/);
      await expectCode(buildStudent({ kind: 'scaled', width: 0.5, perLayer: { fc2: 3 } }, context(teacher)), 'BAD_CONFIG', /'fc2'/);
      await expectCode(buildStudent({ kind: 'preset', preset: 'tiny-cnn' }, context(teacher, [5])), 'BAD_CONFIG', /needs image inputs/);
    });
    const graph = await graphTeacher('Softmax');
    try {
      await expectCode(buildStudent({ kind: 'scaled', width: 0.5 }, context(graph, [784])), 'NOT_TRAINABLE', /GraphModel/);
    } finally {
      disposeLoaded(graph);
    }
  });

  it('a CNN preset takes flat data when the teacher’s input is an image of the same size', async () => {
    await withTeacher(async (teacher) => {
      const s = await buildStudent({ kind: 'preset', preset: 'tiny-cnn' }, context(teacher, [784]));
      try {
        expect(s.model.inputs[0].shape).toEqual([null, 28, 28, 1]);
      } finally {
        s.model.dispose();
      }
    });
  });
});
