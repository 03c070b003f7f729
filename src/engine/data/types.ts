import type * as tf from '@tensorflow/tfjs-core';

/** Where a dataset came from. */
export type DatasetKind = 'mnist' | 'images' | 'unlabeled' | 'csv';

/** A CSV dataset's columns: the numeric features (standardised with train statistics) and the label. */
export interface TabularColumns {
  features: string[];
  label: string;
}

/** One split held as tensors in the worker. xs: float32 ([0, 1] NHWC pixels, or standardised CSV features); ys: one-hot or null. */
export interface DatasetSplit {
  xs: tf.Tensor;
  ys: tf.Tensor | null;
  count: number;
}

/** A dataset as the engine holds it. The owner disposes `train` and `test` (disposeDataset). */
export interface Dataset {
  name: string;
  kind: DatasetKind;
  /** Per-example shape, e.g. [28, 28, 1]. */
  inputShape: number[];
  /** null when unlabeled. */
  numClasses: number | null;
  classNames: string[];
  train: DatasetSplit;
  test: DatasetSplit;
  /** Seed of the deterministic split/shuffle. */
  seed: number;
  /** CSV datasets only. */
  columns?: TabularColumns;
}

/** Plain-data view of a dataset for the UI (no tensors). */
export interface DatasetSummary {
  name: string;
  kind: DatasetKind;
  inputShape: number[];
  numClasses: number | null;
  classNames: string[];
  trainCount: number;
  testCount: number;
  labeled: boolean;
  seed: number;
  columns?: TabularColumns;
}

export function summarizeDataset(d: Dataset): DatasetSummary {
  return {
    name: d.name,
    kind: d.kind,
    inputShape: d.inputShape,
    numClasses: d.numClasses,
    classNames: d.classNames,
    trainCount: d.train.count,
    testCount: d.test.count,
    labeled: d.numClasses !== null,
    seed: d.seed,
    ...(d.columns ? { columns: d.columns } : {}),
  };
}

export function disposeDataset(d: Dataset): void {
  d.train.xs.dispose();
  d.train.ys?.dispose();
  d.test.xs.dispose();
  d.test.ys?.dispose();
}
