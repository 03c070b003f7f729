import { describe, expect, it } from 'vitest';
import type { TensorInfo } from '../model/types';
import { datasetFitProblem, declaredClassCount, type ModelShapes } from './meta';
import type { DatasetSummary } from './types';

const t = (shape: number[], name = 'x'): TensorInfo => ({ name, shape, dtype: 'float32' });
const model = (input: number[], classes: number): ModelShapes => ({ inputs: [t([-1, ...input])], outputs: [t([-1, classes], 'y')] });

const MNIST: DatasetSummary = { name: 'MNIST digits', kind: 'mnist', inputShape: [28, 28, 1], numClasses: 10, classNames: [], trainCount: 8000, testCount: 2000, labeled: true, seed: 42 };
const CSV: DatasetSummary = { name: 'plants', kind: 'csv', inputShape: [4], numClasses: 3, classNames: ['a', 'b', 'c'], trainCount: 120, testCount: 30, labeled: true, seed: 42, columns: { features: ['a', 'b', 'c', 'd'], label: 'species' } };
const UNLABELED: DatasetSummary = { ...MNIST, name: 'photos', kind: 'unlabeled', numClasses: null, labeled: false };

describe('datasetFitProblem', () => {
  const cases: { name: string; model: ModelShapes; dataset: DatasetSummary; kind: string | null; says?: RegExp[] }[] = [
    { name: 'a CSV that fits the tabular MLP', model: model([4], 3), dataset: CSV, kind: null },
    { name: 'MNIST on a CNN', model: model([28, 28, 1], 10), dataset: MNIST, kind: null },
    { name: 'MNIST on a flat-input MLP (same pixels, reshaped)', model: model([784], 10), dataset: MNIST, kind: null },
    { name: 'unlabeled images: classes are not checked', model: model([784], 3), dataset: UNLABELED, kind: null },
    { name: 'MNIST on the tabular MLP', model: model([4], 3), dataset: MNIST, kind: 'input-size', says: [/28 × 28 × 1/, /784 values/, /\[4\]/, /CSV with 4 numeric feature columns/] },
    { name: 'a CSV on a CNN', model: model([28, 28, 1], 10), dataset: CSV, kind: 'input-size', says: [/\[4\] \(4 values\)/, /model that takes 4 values/] },
    { name: 'a CSV with another class count', model: model([4], 2), dataset: CSV, kind: 'classes', says: [/predicts 2 classes but "plants" has 3/, /label column with 2 classes/] },
    { name: 'MNIST on a 3-class CNN', model: model([28, 28, 1], 3), dataset: MNIST, kind: 'classes', says: [/Load a dataset with 3 classes/] },
    { name: 'a two-input model', model: { inputs: [t([-1, 4]), t([-1, 4])], outputs: [t([-1, 3])] }, dataset: CSV, kind: 'inputs' },
    { name: 'a free non-batch dimension', model: { inputs: [t([-1, -1, 4])], outputs: [t([-1, 3])] }, dataset: CSV, kind: 'free-shape' },
  ];
  it.each(cases)('$name → $kind', ({ model: m, dataset, kind, says }) => {
    const p = datasetFitProblem(m, dataset);
    expect(p?.kind ?? null).toBe(kind);
    if (p) expect(p.hint.length).toBeGreaterThan(10);
    for (const re of says ?? []) expect(`${p?.message} ${p?.hint}`).toMatch(re);
  });

  it('a GraphModel output without a declared shape skips the class check', () => {
    expect(declaredClassCount({ inputs: [t([-1, 4])], outputs: [t([])] })).toBeNull();
    expect(datasetFitProblem({ inputs: [t([-1, 4])], outputs: [t([])] }, CSV)).toBeNull();
  });
});
