/**
 * A dropped image folder (or zip) → a Dataset fitted to a model's input.
 *
 * Labeled: one sub-folder per class (pets/cat/1.png → "cat"); a wrapper folder common to every
 * image is stripped; class names are sorted by code point. Unlabeled: every image, ys null.
 *
 * Each image is decoded to RGBA by the injected decoder, mapped to the model's channels
 * (1 = luminance 0.299R + 0.587G + 0.114B, 3 = RGB, 4 = RGBA; alpha is dropped, not composited),
 * box-averaged by whole factors when it is at least twice the target size (so large photos do not
 * alias and never become large tensors), then resized to the model's H×W with
 * tf.image.resizeBilinear (half-pixel centres, as TF 2's tf.image.resize). The aspect ratio is not
 * kept (images are stretched, as Keras' image_dataset_from_directory does by default).
 * Values are float32 in [0, 1].
 *
 * Unreadable images are skipped by default and reported (report.skippedUnreadable and a warning):
 * one corrupt file in a folder of thousands should not cost the user the import. The import still
 * fails with IMAGE_UNREADABLE (naming a file) when every image, or every image of one class, fails,
 * and with `onUnreadable: 'fail'` at the first failure.
 *
 * The split is stratified and seeded (DEFAULT_SPLIT_SEED unless `seed` is given): the same files give
 * the same split whatever order they were dropped in.
 */
import * as tf from '@tensorflow/tfjs-core';
import { BonsaiError, isAbortError, outOfMemoryError, type Warning } from '../errors';
import { collectFiles } from '../model/collect';
import { formatMB } from '../model/limits';
import type { InputFile } from '../model/types';
import { basename } from '../model/paths';
import { checkpoint, throwIfAborted } from '../runtime/yield';
import { IMAGE_EXTENSIONS, planImageFiles, resolveImageTarget, type ImageTarget } from './image-layout';
import { DEFAULT_SPLIT_SEED, stratifiedSplit } from './split';
import type { Dataset } from './types';

/** RGBA pixels, row-major, 4 bytes per pixel (what ImageData and canvas give). */
export interface DecodedImage {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

/** Decodes one image file. The worker passes a browser decoder, tests a pure one. */
export type ImageDecoder = (bytes: Uint8Array, path: string) => Promise<DecodedImage>;

export interface ImageDatasetOptions {
  /** The model's per-example input shape, e.g. [28, 28, 1], [28, 28] or [784]. */
  inputShape: number[];
  /** true: one sub-folder per class; false: every image, no labels. */
  labeled: boolean;
  /** Share of each class held out for test, in [0, 1). Default 0.2. */
  testFraction?: number;
  /** Seed of the split. Default DEFAULT_SPLIT_SEED (42). */
  seed?: number;
  /** Most images accepted. Default 20,000. */
  maxImages?: number;
  /** Most bytes the float32 pixels of all images may take. Default 1 GiB. */
  maxBytes?: number;
  /** 'skip' (default): leave unreadable images out and report them; 'fail': stop at the first. */
  onUnreadable?: 'skip' | 'fail';
  /** Default: the wrapper folder's name, else "Images". */
  name?: string;
  signal?: AbortSignal;
  /** Called with images done so far (decoded or skipped) and the total, at least every ~50 ms. */
  onProgress?: (done: number, total: number) => void;
}

export const DEFAULT_TEST_FRACTION = 0.2;
export const DEFAULT_MAX_IMAGES = 20_000;
export const DEFAULT_MAX_IMAGE_BYTES = 1024 * 1024 * 1024;
/** Largest decoded image accepted (8000 × 8000); larger ones count as unreadable. */
export const MAX_DECODED_PIXELS = 64_000_000;

/** What the import found, for the UI to show next to the dataset. */
export interface ImageImportReport {
  /** Images in the dataset (train + test). */
  imageCount: number;
  /** Per class (same order as classNames): images in the dataset; [imageCount] when unlabeled. */
  classCounts: number[];
  /** Files that are not images and were ignored (paths as given). */
  ignoredFiles: string[];
  /** Images that could not be decoded and were left out (paths as given). */
  skippedUnreadable: string[];
  /** Labeled only: images outside any class folder, left out. */
  looseImages: string[];
  /** The same findings as user-facing messages. */
  warnings: Warning[];
}

export interface ImageDataset extends Dataset {
  report: ImageImportReport;
}

const UNREADABLE_HINT = `Bonsai reads ${IMAGE_EXTENSIONS.join(', ')} images. Check that the file opens in an image viewer, or remove it.`;

/** Yield to the message loop (cancel, progress) at least this often. */
const YIELD_INTERVAL_MS = 50;
/** Resized images read back from the backend together. */
const RESIZE_BATCH = 64;

function listSome(paths: string[], max = 5): string {
  const shown = paths.slice(0, max).map((p) => basename(p) || p);
  return paths.length > max ? `${shown.join(', ')} and ${paths.length - max} more` : shown.join(', ');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function unreadable(path: string, detail: string): BonsaiError {
  const why = detail.trim().replace(/\.$/, '');
  return new BonsaiError('IMAGE_UNREADABLE', `"${path}" could not be read as an image (${why}).`, UNREADABLE_HINT, path);
}

function checkOptions(o: ImageDatasetOptions): { testFraction: number; seed: number; maxImages: number; maxBytes: number } {
  const testFraction = o.testFraction ?? DEFAULT_TEST_FRACTION;
  const seed = o.seed ?? DEFAULT_SPLIT_SEED;
  const maxImages = o.maxImages ?? DEFAULT_MAX_IMAGES;
  const maxBytes = o.maxBytes ?? DEFAULT_MAX_IMAGE_BYTES;
  if (!(testFraction >= 0 && testFraction < 1)) {
    throw new BonsaiError('BAD_CONFIG', `The test share must be at least 0 and below 1, got ${testFraction}.`);
  }
  if (!Number.isInteger(seed)) throw new BonsaiError('BAD_CONFIG', `The split seed must be an integer, got ${seed}.`);
  if (!(Number.isInteger(maxImages) && maxImages > 0)) {
    throw new BonsaiError('BAD_CONFIG', `maxImages must be a positive integer, got ${maxImages}.`);
  }
  if (!(maxBytes > 0)) throw new BonsaiError('BAD_CONFIG', `maxBytes must be positive, got ${maxBytes}.`);
  return { testFraction, seed, maxImages, maxBytes };
}

/**
 * RGBA → the target's channels, as floats in [0, 1], box-averaged by (fy, fx) (whole factors ≥ 1).
 * Returns an (h/fy) × (w/fx) × C image (remainder rows/columns at the far edges are dropped).
 */
export function rgbaToChannels(
  img: DecodedImage,
  channels: 1 | 3 | 4,
  fy = 1,
  fx = 1,
): { data: Float32Array; height: number; width: number } {
  const { width, height, data } = img;
  const oh = Math.floor(height / fy);
  const ow = Math.floor(width / fx);
  const out = new Float32Array(oh * ow * channels);
  const scale = 1 / (255 * fy * fx);
  let o = 0;
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let dy = 0; dy < fy; dy++) {
        let p = ((y * fy + dy) * width + x * fx) * 4;
        for (let dx = 0; dx < fx; dx++, p += 4) {
          r += data[p];
          g += data[p + 1];
          b += data[p + 2];
          a += data[p + 3];
        }
      }
      if (channels === 1) {
        out[o++] = Math.min(1, (0.299 * r + 0.587 * g + 0.114 * b) * scale);
      } else {
        out[o++] = r * scale;
        out[o++] = g * scale;
        out[o++] = b * scale;
        if (channels === 4) out[o++] = a * scale;
      }
    }
  }
  return { data: out, height: oh, width: ow };
}

/**
 * Writes pixels into the split arrays. Images already at the target size (after box-averaging) are
 * copied at once; the rest are resized with tf.image.resizeBilinear and read back in batches of
 * RESIZE_BATCH (one stack and one read-back per batch: a read per image would stall a GPU backend).
 */
class PixelWriter {
  private pending: { t: tf.Tensor; into: Float32Array; offset: number }[] = [];

  constructor(private readonly target: ImageTarget) {}

  async write(img: DecodedImage, into: Float32Array, offset: number): Promise<void> {
    const { height: H, width: W, channels: C } = this.target;
    const fy = Math.max(1, Math.floor(img.height / H));
    const fx = Math.max(1, Math.floor(img.width / W));
    const small = rgbaToChannels(img, C, fy, fx);
    if (small.height === H && small.width === W) {
      into.set(small.data, offset);
      return;
    }
    const t = tf.tidy(() =>
      tf.image.resizeBilinear(tf.tensor3d(small.data, [small.height, small.width, C], 'float32'), [H, W], false, true),
    );
    this.pending.push({ t, into, offset });
    if (this.pending.length >= RESIZE_BATCH) await this.flush();
  }

  async flush(): Promise<void> {
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    let stacked: tf.Tensor | null = null;
    try {
      stacked = tf.stack(batch.map((p) => p.t));
      for (const p of batch) p.t.dispose();
      const values = (await stacked.data()) as Float32Array;
      const n = values.length / batch.length;
      batch.forEach((p, i) => p.into.set(values.subarray(i * n, (i + 1) * n), p.offset));
    } finally {
      for (const p of batch) p.t.dispose();
      stacked?.dispose();
    }
  }

  /** Drop anything not yet read back (on error or cancel). */
  dispose(): void {
    for (const p of this.pending) p.t.dispose();
    this.pending = [];
  }
}

function checkDecoded(img: DecodedImage, path: string): void {
  const { width, height, data } = img ?? ({} as DecodedImage);
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw unreadable(path, `the decoder gave a ${width}×${height} image`);
  }
  if (width * height > MAX_DECODED_PIXELS) {
    throw unreadable(path, `${width}×${height} pixels is more than the ${MAX_DECODED_PIXELS / 1e6} megapixels Bonsai reads`);
  }
  if (!data || data.length !== width * height * 4) {
    throw unreadable(path, `the decoder gave ${data?.length ?? 0} bytes for ${width}×${height} RGBA pixels`);
  }
}

/**
 * Build a dataset from dropped image files, fitted to a model's per-example input shape. Zips are
 * expanded (collectFiles). The caller owns the result's tensors (disposeDataset). Cancelling via
 * `signal` rejects with an AbortError and leaves no tensors behind.
 */
export async function buildImageDataset(
  files: InputFile[],
  options: ImageDatasetOptions,
  decode: ImageDecoder,
): Promise<ImageDataset> {
  const { testFraction, seed, maxImages, maxBytes } = checkOptions(options);
  const { signal, onProgress, labeled } = options;
  const failFast = options.onUnreadable === 'fail';
  throwIfAborted(signal);
  const target = resolveImageTarget(options.inputShape);
  const collected = collectFiles(files);
  const plan = planImageFiles(collected, labeled);

  const total = plan.images.length;
  const perExample = target.height * target.width * target.channels;
  if (total > maxImages) {
    throw new BonsaiError(
      'DATASET_TOO_LARGE',
      `The drop holds ${total.toLocaleString('en-US')} images; Bonsai imports at most ${maxImages.toLocaleString('en-US')}.`,
      `Use a sample of at most ${maxImages.toLocaleString('en-US')} images (keep every class).`,
    );
  }
  const needBytes = total * perExample * 4;
  if (needBytes > maxBytes) {
    const fits = Math.floor(maxBytes / (perExample * 4));
    throw new BonsaiError(
      'DATASET_TOO_LARGE',
      `${total.toLocaleString('en-US')} images at ${target.height}×${target.width}×${target.channels} need ${formatMB(needBytes)} of memory; Bonsai holds at most ${formatMB(maxBytes)} of images.`,
      `Use at most ${fits.toLocaleString('en-US')} images for this model's input size.`,
    );
  }

  const labels = plan.images.map((im) => im.classIndex);
  const split = stratifiedSplit(labels, testFraction, seed);
  const splits = [
    { order: split.train, xs: new Float32Array(split.train.length * perExample), labels: [] as number[] },
    { order: split.test, xs: new Float32Array(split.test.length * perExample), labels: [] as number[] },
  ];

  const skipped: string[] = [];
  let firstFailure: BonsaiError | null = null;
  let done = 0;
  let lastYield = Date.now();
  onProgress?.(0, total);
  const writer = new PixelWriter(target);
  try {
    for (const part of splits) {
      for (const index of part.order) {
        throwIfAborted(signal);
        if (Date.now() - lastYield >= YIELD_INTERVAL_MS) {
          await writer.flush();
          await checkpoint(signal);
          lastYield = Date.now();
          onProgress?.(done, total);
        }
        const { path, classIndex, fileIndex } = plan.images[index];
        try {
          let img: DecodedImage;
          try {
            img = await decode(collected[fileIndex].bytes, path);
          } catch (e) {
            if (isAbortError(e) || (e instanceof BonsaiError && (e.code === 'IMAGE_UNREADABLE' || e.code === 'OUT_OF_MEMORY'))) throw e;
            throw outOfMemoryError(e, `Decoding "${path}"`, path) ?? unreadable(path, e instanceof Error ? e.message || e.name : String(e));
          }
          checkDecoded(img, path);
          await writer.write(img, part.xs, part.labels.length * perExample);
          part.labels.push(classIndex);
        } catch (e) {
          if (isAbortError(e)) throw e;
          if (!(e instanceof BonsaiError) || e.code !== 'IMAGE_UNREADABLE') throw e;
          if (failFast) throw e;
          firstFailure ??= e;
          skipped.push(path);
        }
        done++;
      }
    }
    await writer.flush();
  } finally {
    writer.dispose();
  }
  throwIfAborted(signal);
  onProgress?.(total, total);

  const numClasses = labeled ? plan.classNames.length : null;
  const classCounts = new Array<number>(numClasses ?? 1).fill(0);
  for (const part of splits) for (const c of part.labels) classCounts[Math.max(0, c)]++;
  const imageCount = total - skipped.length;
  if (imageCount === 0) {
    throw new BonsaiError(
      'IMAGE_UNREADABLE',
      `None of the ${plural(total, 'image')} could be read; the first was "${firstFailure!.file}": ${firstFailure!.message}`,
      UNREADABLE_HINT,
      firstFailure!.file,
    );
  }
  if (numClasses !== null) {
    const empty = classCounts.findIndex((n) => n === 0);
    if (empty >= 0) {
      const name = plan.classNames[empty];
      const first = plan.images.find((im) => im.classIndex === empty)!.path;
      throw new BonsaiError(
        'IMAGE_UNREADABLE',
        `None of the images in class "${name}" could be read (the first is "${first}"), so the class would be empty.`,
        UNREADABLE_HINT,
        first,
      );
    }
  }

  const warnings: Warning[] = [];
  if (skipped.length > 0) {
    warnings.push({
      code: 'IMAGES_SKIPPED',
      message: `${skipped.length} of ${plural(total, 'image')} could not be read and ${skipped.length === 1 ? 'was' : 'were'} left out: ${listSome(skipped)}.`,
    });
  }
  if (plan.looseImages.length > 0) {
    warnings.push({
      code: 'IMAGES_SKIPPED',
      message: `${plural(plan.looseImages.length, 'image')} outside any class folder ${plan.looseImages.length === 1 ? 'was' : 'were'} left out: ${listSome(plan.looseImages)}.`,
    });
  }
  if (plan.ignoredFiles.length > 0) {
    warnings.push({
      code: 'FILES_IGNORED',
      message: `${plural(plan.ignoredFiles.length, 'file')} ${plan.ignoredFiles.length === 1 ? 'is' : 'are'} not ${IMAGE_EXTENSIONS.join(', ')} and ${plan.ignoredFiles.length === 1 ? 'was' : 'were'} ignored: ${listSome(plan.ignoredFiles)}.`,
    });
  }

  const made: tf.Tensor[] = [];
  try {
    const [train, test] = splits.map((part) => {
      const n = part.labels.length;
      const xs = tf.tensor(part.xs.subarray(0, n * perExample), [n, ...target.exampleShape], 'float32');
      made.push(xs);
      let ys: tf.Tensor | null = null;
      if (numClasses !== null) {
        const y = new Float32Array(n * numClasses);
        part.labels.forEach((c, i) => (y[i * numClasses + c] = 1));
        ys = tf.tensor2d(y, [n, numClasses], 'float32');
        made.push(ys);
      }
      return { xs, ys, count: n };
    });
    const rootName = plan.root ? plan.root.slice(plan.root.lastIndexOf('/') + 1) : '';
    return {
      name: options.name ?? (rootName || 'Images'),
      kind: labeled ? 'images' : 'unlabeled',
      inputShape: [...target.exampleShape],
      numClasses,
      classNames: labeled ? plan.classNames : [],
      train,
      test,
      seed,
      report: {
        imageCount,
        classCounts,
        ignoredFiles: plan.ignoredFiles,
        skippedUnreadable: skipped,
        looseImages: plan.looseImages,
        warnings,
      },
    };
  } catch (e) {
    for (const t of made) t.dispose();
    throw e;
  }
}
