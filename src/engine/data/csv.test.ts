import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { BonsaiError } from '../errors';
import { evaluateAccuracy } from '../metrics/accuracy';
import { disposeFitted, fitDataset } from '../pipeline/fit-data';
import { describeEachBackend } from '../test-utils/backends';
import { loadedLayers } from '../test-utils/model-fixtures';
import { tabularMlp } from '../test-utils/tabular-model';
import { trainModel } from '../train/loop';
import { buildCsvDataset } from './csv';
import { TABULAR_CLASSES, tabularCsv } from './csv-fixtures';
import { parseCsvExamples } from './csv-parse';
import { featureStats } from './standardize';
import { disposeDataset, summarizeDataset } from './types';

const file = (text: string, path = 'plants.csv') => ({ path, bytes: new TextEncoder().encode(text) });

describeEachBackend('buildCsvDataset', () => {
  it('splits 80/20 stratified and seeded, one-hot labels, summary with columns', async () => {
    const d = buildCsvDataset(file(tabularCsv(50)), { labelColumn: 4 });
    try {
      const s = summarizeDataset(d);
      expect(s).toMatchObject({ name: 'plants', kind: 'csv', inputShape: [4], numClasses: 3, classNames: [...TABULAR_CLASSES], trainCount: 120, testCount: 30, labeled: true, seed: 42 });
      expect(s.columns).toEqual({ features: ['length_mm', 'width_cm', 'weight_g', 'ratio'], label: 'species' });
      const perClass = tf.sum(d.test.ys!, 0);
      expect(await perClass.array()).toEqual([10, 10, 10]);
      perClass.dispose();
      const again = buildCsvDataset(file(tabularCsv(50)), { labelColumn: 4 });
      const other = buildCsvDataset(file(tabularCsv(50)), { labelColumn: 4, seed: 9 });
      try {
        expect(await again.test.xs.array()).toEqual(await d.test.xs.array());
        expect(await other.test.xs.array()).not.toEqual(await d.test.xs.array());
      } finally {
        disposeDataset(again);
        disposeDataset(other);
      }
    } finally {
      disposeDataset(d);
    }
  });

  it('standardises both splits with statistics of the train split only', async () => {
    const text = tabularCsv(50);
    const d = buildCsvDataset(file(text), { labelColumn: 4 });
    try {
      const train = (await d.train.xs.data()) as Float32Array;
      const z = featureStats(train, 4, Array.from({ length: d.train.count }, (_, i) => i));
      for (let j = 0; j < 4; j++) {
        expect(z.mean[j]).toBeCloseTo(0, 4);
        expect(z.std[j]).toBeCloseTo(1, 3);
      }
      // The test rows are the raw rows scaled by the train mean/std (not by their own).
      const raw = parseCsvExamples(text, { file: 'plants.csv', labelColumn: 4 });
      const all = featureStats(raw.features, 4, Array.from({ length: raw.count }, (_, i) => i));
      expect(d.stats.mean).not.toEqual(all.mean);
      const test = (await d.test.xs.data()) as Float32Array;
      const testOwn = featureStats(test, 4, Array.from({ length: d.test.count }, (_, i) => i));
      expect(testOwn.mean.some((m) => Math.abs(m) > 1e-3)).toBe(true);
    } finally {
      disposeDataset(d);
    }
  });

  it('integer labels, a chosen middle column, and an empty class warned about', () => {
    const d = buildCsvDataset(file('x,y,z\n1,0,3\n2,2,4\n3,0,5\n4,2,6\n', 'ints.csv'), { labelColumn: 1 });
    try {
      expect(d.classNames).toEqual(['0', '1', '2']);
      expect(d.columns).toEqual({ features: ['x', 'z'], label: 'y' });
      expect(d.warnings.map((w) => w.code)).toEqual(['CLASSES_EMPTY']);
    } finally {
      disposeDataset(d);
    }
  });

  it('a bad file leaves no tensors behind; non-UTF-8 bytes are refused with the file named', () => {
    expect(() => buildCsvDataset(file('a,b,c\n1,,x\n3,4,y\n', 'bad.csv'), { labelColumn: 2 })).toThrow(BonsaiError);
    try {
      buildCsvDataset({ path: 'latin1.csv', bytes: Uint8Array.from([0x61, 0x2c, 0xff, 0xfe, 0x0a]) }, { labelColumn: 1 });
      expect.unreachable();
    } catch (e) {
      expect((e as BonsaiError).file).toBe('latin1.csv');
    }
  });

  it('an MLP trained on the train split through fitDataset classifies the test split', async () => {
    const d = buildCsvDataset(file(tabularCsv(50)), { labelColumn: 4 });
    const model = tabularMlp();
    const loaded = await loadedLayers(model);
    const fitted = await fitDataset(loaded, d, { needLabels: true });
    try {
      expect(fitted.description).toMatch(/train .* validation .* 30 test/);
      await trainModel(model, { train: fitted.data.train!, validation: fitted.data.validation }, { epochs: 30, batchSize: 16, learningRate: 0.01, optimizer: 'adam', seed: 1 });
      const acc = await evaluateAccuracy(loaded, fitted.test!);
      expect(acc.accuracy).toBeGreaterThan(0.9);
    } finally {
      disposeFitted(fitted);
      disposeDataset(d);
      model.dispose();
    }
  });
});
