/**
 * Top-1 accuracy of any loaded model (LayersModel or GraphModel, through `predict`) on a labelled
 * split, batched with a checkpoint between batches, with its confusion matrix.
 */
import * as tf from '@tensorflow/tfjs-core';
import { BonsaiError } from '../errors';
import type { DatasetSplit } from '../data/types';
import type { LoadedModel } from '../model/loaded';
import { DEFAULT_EVAL_BATCH_SIZE, forEachBatch, inputAdapter, predictBatch, singleInputShape, sliceRows } from './batches';

export interface AccuracyResult {
  /** Top-1 accuracy in [0, 1]. */
  accuracy: number;
  count: number;
  /** confusion[trueClass][predictedClass] = number of examples. */
  confusion: number[][];
  /** Per true class: correct / examples of that class; NaN for a class with no examples. */
  perClassAccuracy: number[];
}

export interface EvalOptions {
  /** Examples per predict call (default 256). */
  batchSize?: number;
  signal?: AbortSignal;
  /** Examples done so far and in all, after each batch. */
  onProgress?: (done: number, total: number) => void;
}

const OP = 'evaluateAccuracy';

export async function evaluateAccuracy(loaded: LoadedModel, split: DatasetSplit, opts: EvalOptions = {}): Promise<AccuracyResult> {
  const ys = split.ys;
  if (!ys) {
    throw new BonsaiError('UNLABELED_DATA', `Error in ${OP}: the split has no labels, so accuracy cannot be measured.`,
      'Use a labelled dataset, or measure fidelity (agreement with a reference model), which needs no labels.');
  }
  if (split.count < 1 || split.xs.shape[0] !== split.count || ys.rank !== 2 || ys.shape[0] !== split.count) {
    throw new BonsaiError('DATASET_UNAVAILABLE', `Error in ${OP}: expected ${split.count} examples (count ≥ 1) with one-hot labels [count, classes], got xs [${split.xs.shape.join(', ')}] and ys [${ys.shape.join(', ')}].`);
  }
  const classes = ys.shape[1] as number;
  const adapt = inputAdapter(singleInputShape(loaded, OP), split.xs.shape, OP);
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));

  await forEachBatch(split.count, opts.batchSize ?? DEFAULT_EVAL_BATCH_SIZE, opts.signal, async (start, size) => {
    const labels = tf.tidy(() => {
      const out = predictBatch(loaded, adapt(sliceRows(split.xs, start, size)), OP);
      if (out.shape[1] !== classes) {
        throw new BonsaiError('OUTPUT_MISMATCH', `Error in ${OP}: the model outputs ${out.shape[1]} classes, but the labels have ${classes}.`,
          'Use a model made for this dataset (as many outputs as the dataset has classes).');
      }
      return tf.stack([tf.argMax(sliceRows(ys, start, size), -1), tf.argMax(out, -1)]);
    });
    const both = await labels.data();
    labels.dispose();
    for (let i = 0; i < size; i++) confusion[both[i]][both[size + i]]++;
    opts.onProgress?.(start + size, split.count);
  });

  let correct = 0;
  const perClassAccuracy = confusion.map((row, c) => {
    correct += row[c];
    const n = row.reduce((a, b) => a + b, 0);
    return n > 0 ? row[c] / n : NaN;
  });
  return { accuracy: correct / split.count, count: split.count, confusion, perClassAccuracy };
}
