/**
 * A CSV file → a tabular Dataset: parsed and checked by csv-parse.ts, split train/test with the
 * seeded stratified split every dataset uses, and standardised with statistics of the train split
 * only (the test split is scaled by the same mean and std, so nothing of it leaks into training).
 */
import * as tf from '@tensorflow/tfjs-core';
import { BonsaiError, type Warning } from '../errors';
import type { InputFile } from '../model/types';
import { throwIfAborted } from '../runtime/yield';
import { parseCsvExamples } from './csv-parse';
import { DEFAULT_SPLIT_SEED, stratifiedSplit } from './split';
import { featureStats, standardizeRows, type FeatureStats } from './standardize';
import type { Dataset } from './types';

export const CSV_TEST_FRACTION = 0.2;

export interface CsvDatasetOptions {
  /** 0-based index of the label column in the header. */
  labelColumn: number;
  testFraction?: number;
  seed?: number;
  /** Default: the file name without .csv. */
  name?: string;
  maxRows?: number;
  signal?: AbortSignal;
}

export interface CsvDataset extends Dataset {
  /** The train split's feature statistics, applied to both splits. */
  stats: FeatureStats;
  warnings: Warning[];
}

function decodeText(file: InputFile): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(file.bytes);
  } catch {
    throw new BonsaiError('CSV_NOT_NUMERIC', `"${file.path}" is not UTF-8 text, so it cannot be read as CSV.`, 'Save the file as CSV (UTF-8) from your spreadsheet.', file.path);
  }
}

/** Build the dataset. The caller owns its tensors (disposeDataset). */
export function buildCsvDataset(file: InputFile, opts: CsvDatasetOptions): CsvDataset {
  const testFraction = opts.testFraction ?? CSV_TEST_FRACTION;
  const seed = opts.seed ?? DEFAULT_SPLIT_SEED;
  throwIfAborted(opts.signal);
  const ex = parseCsvExamples(decodeText(file), { file: file.path, labelColumn: opts.labelColumn, maxRows: opts.maxRows });
  throwIfAborted(opts.signal);
  const width = ex.featureNames.length;
  const numClasses = ex.classNames.length;
  const { train, test } = stratifiedSplit(ex.labels, testFraction, seed);
  const stats = featureStats(ex.features, width, train);
  const made: tf.Tensor[] = [];
  const toSplit = (rows: number[]) => {
    const xs = tf.tensor2d(standardizeRows(ex.features, width, rows, stats), [rows.length, width], 'float32');
    made.push(xs);
    const y = new Float32Array(rows.length * numClasses);
    rows.forEach((r, i) => (y[i * numClasses + ex.labels[r]] = 1));
    const ys = tf.tensor2d(y, [rows.length, numClasses], 'float32');
    made.push(ys);
    return { xs, ys, count: rows.length };
  };
  try {
    const warnings: Warning[] = [];
    if (ex.emptyClasses.length > 0) {
      warnings.push({
        code: 'CLASSES_EMPTY',
        message: `Integer labels run 0–${numClasses - 1} but no row has class ${ex.emptyClasses.join(', ')}; accuracy for ${ex.emptyClasses.length === 1 ? 'it' : 'them'} is not measured.`,
      });
    }
    const base = file.path.slice(file.path.lastIndexOf('/') + 1).replace(/\.(csv|tsv|txt)$/i, '');
    return {
      name: opts.name ?? (base || 'CSV'),
      kind: 'csv',
      inputShape: [width],
      numClasses,
      classNames: ex.classNames,
      train: toSplit(train),
      test: toSplit(test),
      seed,
      columns: { features: ex.featureNames, label: ex.labelName },
      stats,
      warnings,
    };
  } catch (e) {
    tf.dispose(made);
    throw e;
  }
}
