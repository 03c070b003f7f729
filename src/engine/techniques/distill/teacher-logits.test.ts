import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { expect, it } from 'vitest';
import { BonsaiError } from '../../errors';
import { disposeLoaded } from '../../model/load';
import type { LoadedModel } from '../../model/loaded';
import { describeEachBackend } from '../../test-utils/backends';
import { loadedLayers } from '../../test-utils/model-fixtures';
import { denseClassifier } from '../../test-utils/train-fixtures';
import { graphTeacher, type GraphHead } from './test-utils/distill-fixtures';
import { OUTPUT_KIND_WORDS, outputToLogits, teacherClasses, teacherForward, teacherLogits, teacherOutputKind, type TeacherOutputKind } from './teacher-logits';

function codeOf(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (e) {
    expect(e).toBeInstanceOf(BonsaiError);
    return (e as BonsaiError).code;
  }
}

async function withModel<T>(make: () => Promise<LoadedModel>, fn: (m: LoadedModel) => Promise<T> | T): Promise<T> {
  const m = await make();
  try {
    return await fn(m);
  } finally {
    disposeLoaded(m);
  }
}

const xs = () => tf.tidy(() => tf.randomUniform([5, 784], 0, 1, 'float32', 3));

describeEachBackend('teacher output kind and logits', () => {
  it.each([
    ['softmax', 'probabilities'],
    ['linear', 'logits'],
  ] as const)('LayersModel ending in %s → %s', async (head, kind) => {
    await withModel(() => loadedLayers(denseClassifier({ inputs: 784, hidden: [8], classes: 10, head })), (m) => {
      expect(teacherOutputKind(m)).toBe(kind);
    });
  });

  it('refuses Layers outputs that are not one class distribution', async () => {
    const sigmoid = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [4], units: 3, activation: 'sigmoid' })] });
    const spatial = tfl.sequential({ layers: [tfl.layers.conv2d({ inputShape: [4, 4, 1], filters: 3, kernelSize: 1 })] });
    const single = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [4], units: 1 })] });
    for (const model of [sigmoid, spatial, single]) {
      await withModel(() => loadedLayers(model), (m) => {
        expect(codeOf(() => teacherOutputKind(m))).toBe('OUTPUT_MISMATCH');
      });
    }
  });

  it.each([
    ['Softmax', 'probabilities'],
    ['none', 'logits'],
    ['LogSoftmax', 'log-probabilities'],
  ] as [GraphHead, TeacherOutputKind][])('GraphModel whose output comes from %s (through Identity) → %s', async (head, kind) => {
    await withModel(() => graphTeacher(head), (m) => {
      expect(teacherOutputKind(m)).toBe(kind);
      expect(OUTPUT_KIND_WORDS[kind]).toMatch(kind === 'probabilities' ? /softmax: log-probabilities used as logits/ : /logits/);
    });
  });

  it('refuses a GraphModel sigmoid head', async () => {
    await withModel(() => graphTeacher('Sigmoid'), (m) => {
      expect(codeOf(() => teacherOutputKind(m))).toBe('OUTPUT_MISMATCH');
    });
  });

  it('softmax teachers give log-probabilities whose softmax is the teacher’s output; logits pass unchanged', async () => {
    const x = xs();
    try {
      for (const head of ['Softmax', 'none'] as const) {
        await withModel(() => graphTeacher(head), async (m) => {
          const kind = teacherOutputKind(m);
          const forward = teacherForward(m, kind, x.shape);
          expect(teacherClasses(forward, { xs: x, ys: null, count: 5 })).toBe(10);
          const logits = await teacherLogits(forward, { xs: x, ys: null, count: 5 });
          const [got, want] = tf.tidy(() => [tf.softmax(logits), head === 'none' ? tf.softmax(m.model.predict(x) as tf.Tensor) : (m.model.predict(x) as tf.Tensor)]);
          expect(Array.from(await got.data()).map((v) => +v.toFixed(5))).toEqual(Array.from(await want.data()).map((v) => +v.toFixed(5)));
          tf.dispose([logits, got, want]);
        });
      }
    } finally {
      x.dispose();
    }
  });

  it('keeps what a confident softmax says about its wrong classes (no 1e-7 floor)', async () => {
    const p = tf.tensor2d([[1, 1e-10, 1e-15, 0]]);
    const logits = outputToLogits(p, 'probabilities');
    const [top, a, b, zero] = await logits.data();
    tf.dispose([p, logits]);
    expect(top).toBe(0);
    expect(a).toBeCloseTo(Math.log(1e-10), 2);
    expect(b).toBeCloseTo(Math.log(1e-15), 2);
    expect(zero).toBeCloseTo(Math.log(1e-30), 1); // a true underflow meets the floor
  });

  it('adapts image data to a teacher that takes vectors, and names the teacher on a shape mismatch', async () => {
    const images = tf.zeros([2, 28, 28, 1]);
    try {
      await withModel(() => graphTeacher('Softmax'), async (m) => {
        const forward = teacherForward(m, 'probabilities', images.shape);
        const out = forward(images);
        expect(out.shape).toEqual([2, 10]);
        out.dispose();
        const e = (() => {
          try {
            teacherForward(m, 'probabilities', [2, 27, 27, 1]);
          } catch (err) {
            return err as BonsaiError;
          }
        })();
        expect(e?.code).toBe('WRONG_INPUT_SHAPE');
        expect(e?.message).toMatch(/distill \(teacher\)/);
      });
    } finally {
      images.dispose();
    }
  });
});
