/**
 * Fit a dataset to a model, once, for every job that feeds one to the other (optimize, train,
 * evaluate): examples reshaped to the model's input, and the train split divided into the
 * examples a technique learns from and a **validation** split carved with a fixed seed. Settings
 * are chosen on validation; the test split is only ever measured (BENCHMARKS.md "Choosing settings").
 */
import * as tf from '@tensorflow/tfjs-core';
import { checkDatasetFits, reshapeForModel } from '../data/adapt';
import { stratifiedSplit } from '../data/split';
import { summarizeDataset, type Dataset, type DatasetSplit } from '../data/types';
import type { LoadedModel } from '../model/loaded';
import type { TechniqueData } from '../techniques/types';

/** 1,000 of MNIST's 8,000 training digits. */
export const VALIDATION_FRACTION = 0.125;
export const VALIDATION_SEED = 7;

export interface FittedData {
  /** What a technique sees: train without validation, and validation. */
  data: TechniqueData;
  /** The held-out split a result is measured on, once; absent when the dataset has none. */
  test?: DatasetSplit;
  /** Tensors made here (reshapes, gathers): the caller disposes them with `disposeFitted`. */
  owned: tf.Tensor[];
  /** Why there is no data, when there is none (shown beside the results). */
  note?: string;
  /** E.g. "7,000 train / 1,000 validation (seed 7) / 2,000 test". */
  description?: string;
}

export function disposeFitted(f: FittedData): void {
  tf.dispose(f.owned);
}

/** Class index per row of one-hot ys, or -1 for every row of an unlabeled split. */
async function strata(split: DatasetSplit): Promise<Int32Array> {
  if (!split.ys) return new Int32Array(split.count).fill(-1);
  const idx = tf.argMax(split.ys, 1);
  try {
    return (await idx.data()) as Int32Array;
  } finally {
    idx.dispose();
  }
}

function gatherSplit(split: DatasetSplit, rows: number[], owned: tf.Tensor[]): DatasetSplit {
  const indices = tf.tensor1d(rows, 'int32');
  try {
    const xs = tf.gather(split.xs, indices);
    owned.push(xs);
    let ys: tf.Tensor | null = null;
    if (split.ys) {
      ys = tf.gather(split.ys, indices);
      owned.push(ys);
    }
    return { xs, ys, count: rows.length };
  } finally {
    indices.dispose();
  }
}

/**
 * Carve a seeded, stratified validation split from `split` (VALIDATION_FRACTION of each class,
 * at least one example of each class that has two). A split of fewer than 2 examples has none.
 */
export async function carveValidation(split: DatasetSplit, owned: tf.Tensor[], fraction = VALIDATION_FRACTION, seed = VALIDATION_SEED): Promise<{ train: DatasetSplit; validation?: DatasetSplit }> {
  if (split.count < 2 || fraction <= 0) return { train: split };
  const { train, test } = stratifiedSplit(await strata(split), fraction, seed);
  if (test.length === 0) return { train: split };
  // Sorted rows keep the original order of each part (a gather in shuffled order would too, but
  // sorted is easier to reason about when comparing with the full split).
  return { train: gatherSplit(split, train.sort((a, b) => a - b), owned), validation: gatherSplit(split, test.sort((a, b) => a - b), owned) };
}

/**
 * The dataset reshaped to the model's input and split three ways. A dataset that does not fit
 * gives no data and a note saying why (methods that need data then refuse with their own error).
 */
export async function fitDataset(
  loaded: LoadedModel,
  dataset: Dataset | undefined,
  opts: {
    /** Refuse (throw) a dataset without labels or with other classes, rather than note it. */
    needLabels?: boolean;
    /** Throw WRONG_INPUT_SHAPE when the dataset does not fit, rather than returning a note. */
    strict?: boolean;
    /** false: hand over the whole train split, no validation carved (evaluation needs none). */
    carve?: boolean;
  } = {},
): Promise<FittedData> {
  if (!dataset) return { data: {}, owned: [], note: 'No dataset: methods that need data were not available.' };
  let shape: number[];
  try {
    shape = checkDatasetFits(loaded, summarizeDataset(dataset), opts.needLabels ?? false);
  } catch (e) {
    if (opts.needLabels || opts.strict) throw e;
    return { data: {}, owned: [], note: `${dataset.name} does not fit this model (${e instanceof Error ? e.message : String(e)}).` };
  }
  const owned: tf.Tensor[] = [];
  try {
    const reshape = (split: DatasetSplit): DatasetSplit => {
      const xs = reshapeForModel(split.xs, shape);
      if (xs !== split.xs) owned.push(xs);
      return { xs, ys: split.ys, count: split.count };
    };
    const whole = dataset.train.count ? reshape(dataset.train) : undefined;
    const { train, validation } = whole ? (opts.carve === false ? { train: whole, validation: undefined } : await carveValidation(whole, owned)) : { train: undefined, validation: undefined };
    const test = dataset.test.count ? reshape(dataset.test) : undefined;
    const n = (x: number) => x.toLocaleString('en-US');
    const description = [
      train ? `${n(train.count)} train` : null,
      validation ? `${n(validation.count)} validation (seed ${VALIDATION_SEED})` : null,
      test ? `${n(test.count)} test` : null,
    ].filter(Boolean).join(' / ');
    return { data: { train, validation }, test, owned, description };
  } catch (e) {
    tf.dispose(owned);
    throw e;
  }
}
