import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { BonsaiError, isAbortError } from '../errors';
import type { InputFile } from '../model/types';
import { describeEachBackend } from '../test-utils/backends';
import { decodePngForTest } from '../test-utils/png-decode';
import { FIXTURE_CLASSES, encodePng, imageFolderFixture, imageFolderZip } from './image-fixtures';
import { buildImageDataset, type DecodedImage, type ImageDatasetOptions, type ImageDecoder } from './images';
import { disposeDataset } from './types';

const COLORS: Record<string, [number, number, number, number]> = {
  red: [200, 10, 30, 255],
  green: [5, 180, 40, 128],
  blue: [0, 20, 250, 0],
};

/** Fake decoder: a solid image of the colour named by the file's class folder, `w`×`h`. */
function fakeDecoder(w = 10, h = 6, fail: (path: string) => boolean = () => false): ImageDecoder {
  return async (_bytes, path) => {
    if (fail(path)) throw new Error('corrupt data');
    const cls = Object.keys(COLORS).find((c) => path.includes(`/${c}/`)) ?? 'red';
    const data = new Uint8ClampedArray(w * h * 4);
    for (let i = 0; i < data.length; i += 4) data.set(COLORS[cls], i);
    return { width: w, height: h, data };
  };
}

function tree(perClass: number, classes = ['red', 'green', 'blue'], root = 'shapes', extra: string[] = []): InputFile[] {
  const files: InputFile[] = [];
  for (const c of classes) {
    for (let i = 0; i < perClass; i++) files.push({ path: `${root}/${c}/${c}${i}.png`, bytes: new Uint8Array([1]) });
  }
  for (const p of extra) files.push({ path: p, bytes: new Uint8Array([1]) });
  return files;
}

const pngDecoder: ImageDecoder = async (bytes) => decodePngForTest(bytes) as DecodedImage;

async function expectBonsai(p: Promise<unknown>, code: string): Promise<BonsaiError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(BonsaiError);
  expect((e as BonsaiError).code).toBe(code);
  return e as BonsaiError;
}

const lum = (c: readonly number[]) => (0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]) / 255;

/** Read a derived tensor's values and dispose it (no chained ops: only tfjs-core is loaded). */
async function read(make: () => tf.Tensor): Promise<number[]> {
  const t = tf.tidy(make);
  try {
    return Array.from(await t.data());
  } finally {
    t.dispose();
  }
}
const argmax = (ys: tf.Tensor) => read(() => tf.argMax(ys, 1));
const first = (xs: tf.Tensor) => read(() => tf.slice(xs, [0], [1]));

describeEachBackend('buildImageDataset', () => {
  const base: ImageDatasetOptions = { inputShape: [28, 28, 1], labeled: true };

  it('labels by class folder, one-hot, stratified split, grayscale resized to 28×28', async () => {
    const progress: number[][] = [];
    const d = await buildImageDataset(
      tree(5, ['red', 'green', 'blue'], 'shapes', ['shapes/readme.txt']),
      { ...base, onProgress: (done, total) => progress.push([done, total]) },
      fakeDecoder(),
    );
    try {
      expect(d.name).toBe('shapes');
      expect(d.kind).toBe('images');
      expect(d.classNames).toEqual(['blue', 'green', 'red']);
      expect(d.numClasses).toBe(3);
      expect(d.inputShape).toEqual([28, 28, 1]);
      expect(d.seed).toBe(42);
      expect(d.train.xs.shape).toEqual([12, 28, 28, 1]);
      expect(d.test.xs.shape).toEqual([3, 28, 28, 1]);
      expect(d.train.ys!.shape).toEqual([12, 3]);
      expect([d.train.count, d.test.count]).toEqual([12, 3]);
      expect(d.report.classCounts).toEqual([5, 5, 5]);
      expect(d.report.ignoredFiles).toEqual(['shapes/readme.txt']);
      expect(d.report.warnings.map((w) => w.code)).toEqual(['FILES_IGNORED']);
      expect(progress.at(-1)).toEqual([15, 15]);

      const testLabels = (await argmax(d.test.ys!)).sort();
      expect(testLabels).toEqual([0, 1, 2]);
      const ys = (await d.train.ys!.array()) as number[][];
      const xs = ((await d.train.xs.array()) as number[][][][]).map((img) => img.flat(2));
      for (let i = 0; i < 12; i++) {
        expect(ys[i].reduce((a, b) => a + b)).toBe(1);
        const cls = d.classNames[ys[i].indexOf(1)];
        const want = lum(COLORS[cls]);
        for (const v of xs[i]) expect(v).toBeCloseTo(want, 6);
      }
    } finally {
      disposeDataset(d);
    }
  });

  it('maps to RGB and RGBA, and to flat and [H, W] inputs', async () => {
    const files = tree(2, ['red', 'blue']);
    for (const [inputShape, channels] of [
      [[4, 4, 3], 3],
      [[3, 5, 4], 4],
    ] as const) {
      const d = await buildImageDataset(files, { ...base, inputShape: [...inputShape], testFraction: 0 }, fakeDecoder(7, 9));
      try {
        expect(d.train.xs.shape).toEqual([4, ...inputShape]);
        expect(d.test.count).toBe(0);
        const xs = (await d.train.xs.array()) as number[][][][];
        const ys = await argmax(d.train.ys!);
        for (let i = 0; i < 4; i++) {
          const color = COLORS[d.classNames[ys[i]]];
          const px = xs[i][1][2];
          expect(px).toHaveLength(channels);
          px.forEach((v, c) => expect(v).toBeCloseTo(color[c] / 255, 6));
        }
      } finally {
        disposeDataset(d);
      }
    }
    const flat = await buildImageDataset(files, { ...base, inputShape: [784] }, fakeDecoder());
    const hw = await buildImageDataset(files, { ...base, inputShape: [28, 28] }, fakeDecoder());
    try {
      expect(flat.train.xs.shape).toEqual([2, 784]);
      expect(hw.train.xs.shape).toEqual([2, 28, 28]);
      expect(Array.from(await flat.train.xs.data())).toEqual(Array.from(await hw.train.xs.data()));
    } finally {
      disposeDataset(flat);
      disposeDataset(hw);
    }
  });

  it('box-averages large images and resizes bilinearly', async () => {
    // 8×8: left half black, right half white → 4×4 by exact 2×2 box average.
    const halves: ImageDecoder = async () => {
      const data = new Uint8ClampedArray(8 * 8 * 4);
      for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) data.set(x < 4 ? [0, 0, 0, 255] : [255, 255, 255, 255], (y * 8 + x) * 4);
      return { width: 8, height: 8, data };
    };
    const d = await buildImageDataset(tree(1, ['a', 'b']), { ...base, inputShape: [4, 4, 1] }, halves);
    // 2×1 → 4×2 upsampling matches tf.image.resizeBilinear with half-pixel centres.
    const tiny: ImageDecoder = async () => ({ width: 2, height: 1, data: new Uint8ClampedArray([0, 0, 0, 9, 255, 255, 255, 9]) });
    const u = await buildImageDataset(tree(1, ['a', 'b']), { ...base, inputShape: [2, 4, 1], labeled: false }, tiny);
    const want = tf.tidy(() => tf.image.resizeBilinear(tf.tensor3d([0, 1], [1, 2, 1]), [2, 4], false, true));
    try {
      expect(await first(d.train.xs)).toEqual([0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1]);
      const got = await first(u.train.xs);
      Array.from(await want.data()).forEach((v, i) => expect(got[i]).toBeCloseTo(v, 6));
      expect(got[0]).toBe(0);
      expect(got[3]).toBeCloseTo(1, 6);
    } finally {
      want.dispose();
      disposeDataset(d);
      disposeDataset(u);
    }
  });

  it('resizes in read-back batches without mixing images up', async () => {
    const d = await buildImageDataset(tree(40, ['red', 'blue']), { ...base, inputShape: [5, 5, 3] }, fakeDecoder(7, 3));
    try {
      expect([d.train.count, d.test.count]).toEqual([64, 16]);
      const xs = ((await d.train.xs.array()) as number[][][][]).map((img) => img.flat(1));
      const ys = await argmax(d.train.ys!);
      xs.forEach((img, i) => {
        const color = COLORS[d.classNames[ys[i]]];
        for (const px of img) px.forEach((v, c) => expect(v).toBeCloseTo(color[c] / 255, 6));
      });
    } finally {
      disposeDataset(d);
    }
  });

  it('unlabeled: every image, ys null', async () => {
    const d = await buildImageDataset(tree(3, ['red'], 'pics', ['pics/loose.png']), { ...base, labeled: false }, fakeDecoder());
    try {
      expect(d.kind).toBe('unlabeled');
      expect(d.numClasses).toBeNull();
      expect(d.classNames).toEqual([]);
      expect([d.train.ys, d.test.ys]).toEqual([null, null]);
      expect(d.train.count + d.test.count).toBe(4);
      expect(d.test.count).toBe(1);
    } finally {
      disposeDataset(d);
    }
  });

  it('one class → ONE_CLASS_ONLY; no images → NO_IMAGES; bad channels → CHANNEL_MISMATCH', async () => {
    await expectBonsai(buildImageDataset(tree(3, ['red']), base, fakeDecoder()), 'ONE_CLASS_ONLY');
    await expectBonsai(buildImageDataset([{ path: 'a.txt', bytes: new Uint8Array(1) }], base, fakeDecoder()), 'NO_IMAGES');
    const e = await expectBonsai(buildImageDataset(tree(2), { ...base, inputShape: [28, 28, 2] }, fakeDecoder()), 'CHANNEL_MISMATCH');
    expect(e.message).toMatch(/\[28, 28, 2\]/);
    await expectBonsai(buildImageDataset(tree(2), { ...base, inputShape: [10] }, fakeDecoder()), 'WRONG_INPUT_SHAPE');
  });

  it('unreadable images: skipped and reported, or IMAGE_UNREADABLE naming the file', async () => {
    const bad = (p: string) => p.endsWith('red1.png');
    const d = await buildImageDataset(tree(3), base, fakeDecoder(10, 6, bad));
    try {
      expect(d.train.count + d.test.count).toBe(8);
      expect(d.report.skippedUnreadable).toEqual(['shapes/red/red1.png']);
      expect(d.report.warnings[0].code).toBe('IMAGES_SKIPPED');
      expect(d.report.warnings[0].message).toMatch(/red1\.png/);
      expect(d.report.classCounts).toEqual([3, 3, 2]);
    } finally {
      disposeDataset(d);
    }
    const failFast = await expectBonsai(
      buildImageDataset(tree(3), { ...base, onUnreadable: 'fail' }, fakeDecoder(10, 6, bad)),
      'IMAGE_UNREADABLE',
    );
    expect(failFast.file).toBe('shapes/red/red1.png');
    expect(failFast.message).toMatch(/red1\.png.*corrupt data/);
    const all = await expectBonsai(buildImageDataset(tree(2), base, fakeDecoder(10, 6, () => true)), 'IMAGE_UNREADABLE');
    expect(all.message).toMatch(/None of the 6 images/);
    expect(all.file).toMatch(/\.png$/);
    const wholeClass = await expectBonsai(
      buildImageDataset(tree(2), base, fakeDecoder(10, 6, (p) => p.includes('/green/'))),
      'IMAGE_UNREADABLE',
    );
    expect(wholeClass.message).toMatch(/class "green"/);
    const lying: ImageDecoder = async () => ({ width: 4, height: 4, data: new Uint8ClampedArray(3) });
    await expectBonsai(buildImageDataset(tree(2), { ...base, onUnreadable: 'fail' }, lying), 'IMAGE_UNREADABLE');
  });

  it('real PNGs in a zip decode to the same dataset as the fake decoder says', async () => {
    const size = { width: 6, height: 6, perClass: 3 };
    const fromZip = await buildImageDataset([imageFolderZip(size)], { ...base, inputShape: [6, 6, 3] }, pngDecoder);
    const fromFolder = await buildImageDataset(imageFolderFixture(size).reverse(), { ...base, inputShape: [6, 6, 3] }, pngDecoder);
    try {
      expect(fromZip.name).toBe('colors');
      expect(fromZip.classNames).toEqual(FIXTURE_CLASSES.map((c) => c.name));
      expect(Array.from(await fromZip.train.xs.data())).toEqual(Array.from(await fromFolder.train.xs.data()));
      expect(Array.from(await fromZip.test.ys!.data())).toEqual(Array.from(await fromFolder.test.ys!.data()));
      // The centre pixel of every image is its class colour (± the fixture's per-image shift of ≤ 5).
      const xs = (await fromZip.train.xs.array()) as number[][][][];
      const ys = await argmax(fromZip.train.ys!);
      xs.forEach((img, i) => {
        const color = FIXTURE_CLASSES[ys[i]].color;
        img[3][3].forEach((v, c) => expect(Math.abs(v * 255 - color[c])).toBeLessThanOrEqual(5.001));
      });
      // Grayscale from a real 2×2 PNG equals the luminance formula exactly (no resize).
      const png = encodePng(2, 2, new Uint8Array([10, 20, 30, 255, 200, 100, 0, 255, 0, 0, 0, 255, 255, 255, 255, 255]));
      const g = await buildImageDataset(
        [{ path: 'g/a/1.png', bytes: png }, { path: 'g/b/1.png', bytes: png }],
        { ...base, inputShape: [2, 2, 1], testFraction: 0 },
        pngDecoder,
      );
      const got = await first(g.train.xs);
      disposeDataset(g);
      [lum([10, 20, 30]), lum([200, 100, 0]), 0, 1].forEach((v, i) => expect(got[i]).toBeCloseTo(v, 7));
    } finally {
      disposeDataset(fromZip);
      disposeDataset(fromFolder);
    }
  });

  it('the split is seeded and independent of drop order', async () => {
    const files = tree(6);
    const a = await buildImageDataset(files, base, fakeDecoder());
    const b = await buildImageDataset([...files].reverse(), base, fakeDecoder());
    const c = await buildImageDataset(files, { ...base, seed: 7 }, fakeDecoder());
    try {
      const labels = (d: typeof a) => argmax(d.train.ys!);
      expect(await labels(b)).toEqual(await labels(a));
      expect(await labels(c)).not.toEqual(await labels(a));
      expect(c.seed).toBe(7);
    } finally {
      [a, b, c].forEach(disposeDataset);
    }
  });

  it('caps the image count and memory with DATASET_TOO_LARGE', async () => {
    const many = await expectBonsai(buildImageDataset(tree(4), { ...base, maxImages: 10 }, fakeDecoder()), 'DATASET_TOO_LARGE');
    expect(many.message).toMatch(/12 images.*at most 10/);
    const big = await expectBonsai(buildImageDataset(tree(4), { ...base, maxBytes: 28 * 28 * 4 * 5 }, fakeDecoder()), 'DATASET_TOO_LARGE');
    expect(big.hint).toMatch(/at most 5 images/);
  });

  it('an image whose decoding runs out of memory ends the import as OUT_OF_MEMORY, not skipped as unreadable', async () => {
    const inner = fakeDecoder();
    const decode: ImageDecoder = async (bytes, path) => {
      // A real V8 allocation failure, as decoding a huge image into RGBA would throw.
      if (path.endsWith('red1.png')) new ArrayBuffer(2 ** 40);
      return inner(bytes, path);
    };
    const e = await expectBonsai(buildImageDataset(tree(3), base, decode), 'OUT_OF_MEMORY');
    expect(e.file).toBe('shapes/red/red1.png');
    expect(e.message).toMatch(/red1\.png.*ran out of memory.*Array buffer allocation failed/);
    expect(e.hint).toMatch(/smaller batch/);
  });

  it('cancel rejects with AbortError and leaves no tensors', async () => {
    const controller = new AbortController();
    let calls = 0;
    const inner = fakeDecoder(40, 40);
    const decode: ImageDecoder = async (bytes, path) => {
      if (++calls === 4) controller.abort();
      return inner(bytes, path);
    };
    const err = await buildImageDataset(tree(5), { ...base, signal: controller.signal }, decode).catch((e: unknown) => e);
    expect(isAbortError(err)).toBe(true);
    expect(calls).toBe(4);
    const pre = new AbortController();
    pre.abort();
    expect(isAbortError(await buildImageDataset(tree(2), { ...base, signal: pre.signal }, fakeDecoder()).catch((e: unknown) => e))).toBe(true);
  });
});
