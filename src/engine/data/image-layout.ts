/**
 * How a dropped image folder maps to a dataset, before any pixel is decoded: which files are
 * images, which class each belongs to, and what size and channel count the model wants. No tf
 * import (the UI may use these to preview a drop).
 */
import { BonsaiError } from '../errors';
import { isIgnoredPath } from '../model/collect';
import { basename, normalizePath } from '../model/paths';

/** File name endings read as images (case-insensitive). */
export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.gif', '.bmp', '.webp'] as const;

/** Largest height or width Bonsai resizes images to. */
export const MAX_IMAGE_SIDE = 4096;

const EXT_LIST = IMAGE_EXTENSIONS.join(', ');

const LAYOUT_HINT =
  'Put each class in its own sub-folder, e.g. pets/cat/1.png and pets/dog/2.jpg, then drop the pets folder ' +
  '(or a zip of it). To use images without labels, import them as unlabeled.';

export function isImagePath(path: string): boolean {
  const name = basename(path).toLowerCase();
  return IMAGE_EXTENSIONS.some((ext) => name.length > ext.length && name.endsWith(ext));
}

/**
 * The path as a folder tree: a zip entry "zip:pets.zip/cat/1.png" becomes "pets/cat/1.png", so a
 * zip counts as a folder named after it (dropping cat.zip and dog.zip gives classes cat and dog).
 */
export function logicalPath(path: string): string {
  const m = /^zip:([^/]*)\/([\s\S]*)$/.exec(path);
  const p = m ? `${m[1].replace(/\.zip$/i, '') || 'zip'}/${m[2]}` : path;
  return normalizePath(p);
}

export interface PlannedImage {
  /** The path as given (zip entries as "zip:name.zip/…"): what errors and warnings name. */
  path: string;
  /** Index into `classNames`, or -1 when unlabeled. */
  classIndex: number;
  /** Position of the file in the list given to planImageFiles. */
  fileIndex: number;
}

export interface ImagePlan {
  /** Images in a deterministic order (sorted by path), whatever order they were dropped in. */
  images: PlannedImage[];
  /** Sorted by code point (the same order everywhere); [] when unlabeled. */
  classNames: string[];
  /** The wrapper folder common to every image ("" when none), stripped before reading classes. */
  root: string;
  /** Files that are not images (by extension), as given. */
  ignoredFiles: string[];
  /** Labeled only: images directly in the root, outside any class folder (left out). */
  looseImages: string[];
}

function compareCodePoints(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function listSome(paths: string[], max = 5): string {
  const shown = paths.slice(0, max).map((p) => basename(p) || p);
  return paths.length > max ? `${shown.join(', ')} and ${paths.length - max} more` : shown.join(', ');
}

/**
 * Sort the files into images and the rest, strip the wrapper folder common to all images, and (when
 * labeled) read each image's class from the first folder below it. Throws NO_IMAGES when nothing is
 * an image and ONE_CLASS_ONLY when a labeled drop has fewer than two class folders.
 */
export function planImageFiles(files: ReadonlyArray<{ path: string }>, labeled: boolean): ImagePlan {
  const ignoredFiles: string[] = [];
  const entries: { path: string; dirs: string[]; logical: string; fileIndex: number }[] = [];
  for (const [fileIndex, f] of files.entries()) {
    if (isIgnoredPath(f.path)) continue;
    if (!isImagePath(f.path)) {
      ignoredFiles.push(f.path);
      continue;
    }
    const logical = logicalPath(f.path);
    entries.push({ path: f.path, logical, dirs: logical.split('/').slice(0, -1), fileIndex });
  }
  if (entries.length === 0) {
    const what =
      ignoredFiles.length === 0
        ? 'Nothing was dropped but hidden or system files.'
        : ignoredFiles.length === 1
          ? `The only file (${listSome(ignoredFiles)}) is not an image.`
          : `None of the ${ignoredFiles.length} files is an image (${listSome(ignoredFiles)}).`;
    throw new BonsaiError(
      'NO_IMAGES',
      `No images were found. ${what} Bonsai reads ${EXT_LIST} files.`,
      labeled ? LAYOUT_HINT : `Drop a folder (or a zip) of ${EXT_LIST} images.`,
    );
  }
  entries.sort((a, b) => compareCodePoints(a.logical, b.logical) || compareCodePoints(a.path, b.path));

  // The longest folder prefix shared by every image is a wrapper ("pets/" in pets/cat/1.png).
  let common = entries[0].dirs.length;
  for (const e of entries) {
    let k = 0;
    while (k < common && k < e.dirs.length && e.dirs[k] === entries[0].dirs[k]) k++;
    common = k;
  }
  const rootDirs = entries[0].dirs.slice(0, common);
  const root = rootDirs.join('/');

  if (!labeled) {
    return {
      images: entries.map((e) => ({ path: e.path, classIndex: -1, fileIndex: e.fileIndex })),
      classNames: [],
      root,
      ignoredFiles,
      looseImages: [],
    };
  }

  const looseImages: string[] = [];
  const byClass = new Map<string, number>();
  for (const e of entries) {
    if (e.dirs.length === common) looseImages.push(e.path);
    else byClass.set(e.dirs[common], (byClass.get(e.dirs[common]) ?? 0) + 1);
  }
  const classNames = [...byClass.keys()].sort(compareCodePoints);
  if (classNames.length < 2) {
    let found: string;
    if (classNames.length === 1) {
      found = `All images are in one folder ("${classNames[0]}"), so there is only one class`;
      if (looseImages.length > 0) found += ` (and ${looseImages.length} outside any folder)`;
    } else if (rootDirs.length > 0) {
      found = `All ${entries.length} images are in one folder ("${rootDirs[rootDirs.length - 1]}"), so there is only one class`;
    } else {
      found = `The ${entries.length} images are not in class folders`;
    }
    throw new BonsaiError(
      'ONE_CLASS_ONLY',
      `${found}. A labeled image dataset needs one sub-folder per class, and at least two classes.`,
      LAYOUT_HINT,
    );
  }
  const index = new Map(classNames.map((name, i) => [name, i]));
  const images = entries
    .filter((e) => e.dirs.length > common)
    .map((e) => ({ path: e.path, classIndex: index.get(e.dirs[common])!, fileIndex: e.fileIndex }));
  return { images, classNames, root, ignoredFiles, looseImages };
}

export interface ImageTarget {
  height: number;
  width: number;
  /** 1 = luminance, 3 = RGB, 4 = RGBA. */
  channels: 1 | 3 | 4;
  /** The model's per-example shape the pixels are laid out in (e.g. [28, 28, 1], [28, 28] or [784]). */
  exampleShape: number[];
}

const CHANNEL_HINT =
  'Images give 1 (grayscale), 3 (RGB) or 4 (RGBA) channels per pixel, last: use a model whose input is [height, width, 1 | 3 | 4].';

function shapeText(shape: number[]): string {
  return `[${shape.join(', ')}]`;
}

function squareSide(n: number): number | null {
  const s = Math.round(Math.sqrt(n));
  return s * s === n ? s : null;
}

/**
 * What images must become to feed a model whose per-example input is `inputShape` (batch dropped):
 * [H, W, C] with C ∈ {1, 3, 4}; [H, W] (grayscale); or flat [N] when the size can be inferred —
 * N = s² is an s×s grayscale image (784 → 28×28×1), otherwise N = 3s² is s×s RGB.
 */
export function resolveImageTarget(inputShape: readonly number[]): ImageTarget {
  const shape = [...inputShape];
  if (shape.length === 0 || shape.some((d) => !Number.isInteger(d) || d <= 0)) {
    throw new BonsaiError(
      'WRONG_INPUT_SHAPE',
      `The model's input ${shapeText(shape)} (per example) has no fixed size, so Bonsai cannot tell what size to resize images to.`,
      'Re-export the model with a fixed input shape such as [28, 28, 1] or [224, 224, 3].',
    );
  }
  let target: ImageTarget;
  if (shape.length === 3) {
    const [h, w, c] = shape;
    if (c !== 1 && c !== 3 && c !== 4) {
      const channelsFirst = (h === 1 || h === 3 || h === 4) && w > 4 && c > 4;
      throw new BonsaiError(
        'CHANNEL_MISMATCH',
        channelsFirst
          ? `The model's input ${shapeText(shape)} looks channels-first ([channels, height, width]); images are fed channels-last ([height, width, channels]).`
          : `The model's input ${shapeText(shape)} has ${c} channels per pixel; images can give 1, 3 or 4.`,
        CHANNEL_HINT,
      );
    }
    target = { height: h, width: w, channels: c, exampleShape: shape };
  } else if (shape.length === 2) {
    target = { height: shape[0], width: shape[1], channels: 1, exampleShape: shape };
  } else if (shape.length === 1) {
    const n = shape[0];
    const gray = squareSide(n);
    const rgb = n % 3 === 0 ? squareSide(n / 3) : null;
    if (gray !== null) target = { height: gray, width: gray, channels: 1, exampleShape: shape };
    else if (rgb !== null) target = { height: rgb, width: rgb, channels: 3, exampleShape: shape };
    else {
      throw new BonsaiError(
        'WRONG_INPUT_SHAPE',
        `The model takes flat inputs of ${n} values; Bonsai cannot tell which image size that is (it is neither s×s grayscale nor s×s RGB).`,
        'Use a model whose input is an image shape such as [28, 28, 1], or a square flat input (784 = 28×28 grayscale).',
      );
    }
  } else {
    throw new BonsaiError(
      'WRONG_INPUT_SHAPE',
      `The model's input ${shapeText(shape)} (per example) is not an image shape.`,
      CHANNEL_HINT,
    );
  }
  if (target.height > MAX_IMAGE_SIDE || target.width > MAX_IMAGE_SIDE) {
    throw new BonsaiError(
      'WRONG_INPUT_SHAPE',
      `The model wants ${target.height}×${target.width} images; Bonsai resizes to at most ${MAX_IMAGE_SIDE}×${MAX_IMAGE_SIDE}.`,
      'Use a model with a smaller input.',
    );
  }
  return target;
}
