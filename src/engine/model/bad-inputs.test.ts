import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { BonsaiError } from '../errors';
import { describeEachBackend } from '../test-utils/backends';
import { BAD_INPUTS, DENSE } from './bad-inputs.fixtures';
import { importModelFiles } from './import-pipeline';
import { disposeLoaded } from './load';
import type { LoadedModel } from './loaded';

async function predictOnce(m: LoadedModel): Promise<number[]> {
  const x = tf.tensor2d([...DENSE.input], [1, 4]);
  const y = m.model.predict(x) as tf.Tensor;
  const values = Array.from(await y.data());
  tf.dispose([x, y]);
  return values;
}

it('covers every case id once', () => {
  const ids = BAD_INPUTS.map((c) => c.id);
  expect(new Set(ids).size).toBe(ids.length);
});

describeEachBackend('bad inputs', () => {
  for (const c of BAD_INPUTS) {
    it(`${c.id}: ${c.description}`, async () => {
      const before = tf.memory().numTensors;
      let loaded: LoadedModel | undefined;
      let error: unknown;
      try {
        loaded = await importModelFiles(c.files(), c.limits);
      } catch (e) {
        error = e;
      }
      if ('code' in c.expect) {
        expect(error, `expected ${c.expect.code}`).toBeInstanceOf(BonsaiError);
        const err = error as BonsaiError;
        expect(err.code, err.message).toBe(c.expect.code);
        expect(err.hint, 'every error gives a hint').toBeTruthy();
        expect(err.file, 'every error names a file').toBeTruthy();
        expect(tf.memory().numTensors, 'a failed import leaves no tensor behind').toBe(before);
        return;
      }
      expect(error, String(error)).toBeUndefined();
      const m = loaded!;
      const values = await predictOnce(m);
      if ('warning' in c.expect) {
        expect(m.prepared.warnings.map((w) => w.code)).toContain(c.expect.warning);
      } else {
        expect(m.prepared.warnings).toEqual([]);
        values.forEach((v, i) => expect(v).toBeCloseTo(DENSE.expected[i], 5));
      }
      disposeLoaded(m);
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});
