import * as tf from '@tensorflow/tfjs-core';
import { BonsaiError } from '../../engine/errors';
import { MNIST_NUM_CLASSES, MNIST_PATH, mnistTensors, parseMnistBinary } from '../../engine/data/mnist';
import { buildImageDataset } from '../../engine/data/images';
import { buildCsvDataset } from '../../engine/data/csv';
import { perExampleInputShape } from '../../engine/data/adapt';
import type { Dataset } from '../../engine/data/types';
import { decodeImageInWorker } from '../decode-image';
import type { DatasetInfo, DatasetSource } from '../protocol';
import { registerDataset } from '../datasets';
import { getModel } from '../models';
import type { JobContext } from './context';

async function loadMnist(ctx: JobContext): Promise<Dataset> {
  ctx.progress('Downloading MNIST digits', 0, 2);
  const url = new URL(`${import.meta.env.BASE_URL}${MNIST_PATH}`, self.location.origin).href;
  let bytes: Uint8Array;
  try {
    const response = await fetch(url, { signal: ctx.signal });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    bytes = new Uint8Array(await response.arrayBuffer());
  } catch (e) {
    if (ctx.signal.aborted) throw e;
    throw new BonsaiError(
      'DATASET_UNAVAILABLE',
      `The built-in MNIST digits could not be loaded from ${url} (${e instanceof Error ? e.message : String(e)}).`,
      'Run `npm run prepare-data` (the dev and build commands run it for you) and reload.',
    );
  }
  ctx.progress('Preparing tensors', 1, 2);
  const data = parseMnistBinary(bytes);
  const train = mnistTensors(data, 'train');
  let test: ReturnType<typeof mnistTensors>;
  try {
    test = mnistTensors(data, 'test');
  } catch (e) {
    tf.dispose([train.xs, train.ys]);
    throw e;
  }
  return {
    name: 'MNIST digits',
    kind: 'mnist',
    inputShape: [data.rows, data.cols, 1],
    numClasses: MNIST_NUM_CLASSES,
    classNames: Array.from({ length: MNIST_NUM_CLASSES }, (_, i) => String(i)),
    train: { xs: train.xs, ys: train.ys, count: train.xs.shape[0] },
    test: { xs: test.xs, ys: test.ys, count: test.xs.shape[0] },
    seed: 42,
  };
}

export async function runLoadDataset(source: DatasetSource, ctx: JobContext): Promise<DatasetInfo> {
  switch (source.kind) {
    case 'builtin':
      return registerDataset(await loadMnist(ctx));
    case 'images': {
      const inputShape = perExampleInputShape(getModel(source.modelId).loaded);
      const dataset = await buildImageDataset(
        source.files,
        {
          inputShape,
          labeled: source.labeled,
          name: source.name,
          signal: ctx.signal,
          onProgress: (done, total) => ctx.progress('Decoding images', done, total),
        },
        decodeImageInWorker,
      );
      return registerDataset(dataset, dataset.report.warnings);
    }
    case 'csv': {
      ctx.progress('Reading CSV', 0, 1);
      const dataset = buildCsvDataset(source.file, { labelColumn: source.labelColumn, name: source.name, signal: ctx.signal });
      return registerDataset(dataset, dataset.warnings);
    }
    default: {
      const never: never = source;
      throw new Error(`Unknown dataset source ${JSON.stringify(never)}`);
    }
  }
}
