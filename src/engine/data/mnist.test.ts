import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { BonsaiError } from '../errors';
import { describeEachBackend } from '../test-utils/backends';
import { mnistLabels, mnistTensors, parseMnistBinary, type MnistData } from './mnist';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const MNIST_FILE = path.join(ROOT, 'public/data/mnist-10k.bin');

/** A small valid "BNSM" file: image i has every pixel = 10*i + position, label = i % 10. */
function makeFile(o: { count?: number; rows?: number; cols?: number; trainCount?: number } = {}): Uint8Array {
  const { count = 5, rows = 2, cols = 3, trainCount = 3 } = o;
  const px = rows * cols;
  const bytes = new Uint8Array(32 + count * px + count);
  bytes.set([0x42, 0x4e, 0x53, 0x4d]); // "BNSM"
  const v = new DataView(bytes.buffer);
  [1, count, rows, cols, trainCount, 10, 42].forEach((x, i) => v.setUint32(4 + 4 * i, x, true));
  for (let i = 0; i < count; i++) {
    for (let p = 0; p < px; p++) bytes[32 + i * px + p] = (10 * i + p) % 256;
    bytes[32 + count * px + i] = i % 10;
  }
  return bytes;
}

function expectCorrupt(bytes: Uint8Array, pattern: RegExp): void {
  let err: unknown;
  try {
    parseMnistBinary(bytes);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(BonsaiError);
  expect((err as BonsaiError).code).toBe('DATASET_UNAVAILABLE');
  expect((err as BonsaiError).message).toMatch(pattern);
  expect((err as BonsaiError).hint).toMatch(/prepare-mnist/);
}

describe('parseMnistBinary', () => {
  it('reads a valid header and views the data without copying', () => {
    const bytes = makeFile();
    const d = parseMnistBinary(bytes);
    expect([d.count, d.rows, d.cols, d.trainCount]).toEqual([5, 2, 3, 3]);
    expect(Array.from(d.labels)).toEqual([0, 1, 2, 3, 4]);
    expect(d.images.length).toBe(30);
    expect(d.images[6]).toBe(10);
    expect(d.images.buffer).toBe(bytes.buffer);
  });

  it('accepts a view at a non-zero offset', () => {
    const inner = makeFile();
    const outer = new Uint8Array(inner.length + 7);
    outer.set(inner, 7);
    expect(parseMnistBinary(outer.subarray(7)).count).toBe(5);
  });

  it('rejects short, foreign, truncated and inconsistent files', () => {
    expectCorrupt(new Uint8Array(0), /0 bytes, less than its 32-byte header/);
    expectCorrupt(new Uint8Array(10), /less than its 32-byte header/);
    const html = new TextEncoder().encode('<!doctype html><html><body>not found</body></html>');
    expectCorrupt(html, /HTML page/);
    const badMagic = makeFile();
    badMagic[0] = 0x58;
    expectCorrupt(badMagic, /bad magic "XNSM"/);
    const badVersion = makeFile();
    new DataView(badVersion.buffer).setUint32(4, 2, true);
    expectCorrupt(badVersion, /unsupported version 2/);
    const full = makeFile();
    expectCorrupt(full.subarray(0, full.length - 1), /truncated: 66 bytes, expected 67/);
    expectCorrupt(full.subarray(0, 40), /truncated/);
    const trailing = new Uint8Array(full.length + 3);
    trailing.set(full);
    expectCorrupt(trailing, /3 unexpected trailing bytes/);
    expectCorrupt(makeFile({ trainCount: 6 }), /trainCount 6 exceeds count 5/);
    expectCorrupt(makeFile({ count: 0, trainCount: 0 }), /no images/);
    expectCorrupt(makeFile({ rows: 0 }), /bad image size 0×3/);
    const badClasses = makeFile();
    new DataView(badClasses.buffer).setUint32(24, 12, true);
    expectCorrupt(badClasses, /12 classes/);
    const badLabel = makeFile();
    badLabel[badLabel.length - 1] = 10;
    expectCorrupt(badLabel, /label 10 of image 4/);
  });
});

describeEachBackend('mnistTensors', () => {
  const data = parseMnistBinary(makeFile());

  it('builds [n,rows,cols,1] float32 images in [0,1] and one-hot labels for each split', async () => {
    const train = mnistTensors(data, 'train');
    expect(train.xs.shape).toEqual([3, 2, 3, 1]);
    expect(train.xs.dtype).toBe('float32');
    expect(train.ys.shape).toEqual([3, 10]);
    expect(train.ys.dtype).toBe('float32');
    const x = await train.xs.data();
    expect(x[0]).toBe(0);
    expect(x[7]).toBeCloseTo(11 / 255, 7);
    const y = (await train.ys.array()) as number[][];
    expect(y[2]).toEqual([0, 0, 1, 0, 0, 0, 0, 0, 0, 0]);

    const test = mnistTensors(data, 'test');
    expect(test.xs.shape).toEqual([2, 2, 3, 1]);
    expect((await test.xs.data())[0]).toBeCloseTo(30 / 255, 7);
    const am = tf.argMax(test.ys, 1);
    expect(Array.from(await am.data())).toEqual([3, 4]);
    tf.dispose([train.xs, train.ys, test.xs, test.ys, am]);
  });

  it('flattens and limits', async () => {
    const { xs, ys } = mnistTensors(data, 'test', { flatten: true, limit: 1 });
    expect(xs.shape).toEqual([1, 6]);
    expect(ys.shape).toEqual([1, 10]);
    expect(Array.from(await xs.data()).map((v) => Math.round(v * 255))).toEqual([30, 31, 32, 33, 34, 35]);
    tf.dispose([xs, ys]);
    const big = mnistTensors(data, 'train', { limit: 100 });
    expect(big.xs.shape[0]).toBe(3);
    tf.dispose([big.xs, big.ys]);
    expect(() => mnistTensors(data, 'train', { limit: -1 })).toThrow(/limit/);
    expect(Array.from(mnistLabels(data, 'test'))).toEqual([3, 4]);
  });
});

describe('the prepared mnist-10k.bin', () => {
  let data: MnistData;
  beforeAll(() => {
    // `npm test` prepares it first; a bare `vitest run` on a fresh clone builds it here (~1 s).
    if (!existsSync(MNIST_FILE)) {
      execFileSync(process.execPath, [path.join(ROOT, 'scripts/prepare-mnist.mjs')], { stdio: 'inherit' });
    }
    data = parseMnistBinary(new Uint8Array(readFileSync(MNIST_FILE)));
  });

  it('holds 10,000 shuffled 28×28 digits, 8,000 train / 2,000 test, every class in both splits', () => {
    expect([data.count, data.rows, data.cols, data.trainCount]).toEqual([10000, 28, 28, 8000]);
    for (const split of ['train', 'test'] as const) {
      const hist = new Array(10).fill(0);
      for (const l of mnistLabels(data, split)) hist[l]++;
      expect(Math.min(...hist)).toBeGreaterThan(split === 'train' ? 600 : 150);
    }
    // Shuffled: the first 100 labels are not sorted by digit.
    const first = Array.from(data.labels.subarray(0, 100));
    expect(new Set(first).size).toBe(10);
  });

  describeEachBackend('as tensors', () => {
    it('gives the 2,000 test images in [0,1] with one-hot labels', async () => {
      const { xs, ys } = mnistTensors(data, 'test');
      expect(xs.shape).toEqual([2000, 28, 28, 1]);
      expect(ys.shape).toEqual([2000, 10]);
      const [lo, hi, rowSums, inkMean] = await Promise.all(
        tf.tidy(() => [tf.min(xs), tf.max(xs), tf.sum(ys, 1), tf.mean(xs)]).map(async (t) => {
          const v = Array.from(await t.data());
          t.dispose();
          return v;
        }),
      );
      expect(lo[0]).toBe(0);
      expect(hi[0]).toBe(1);
      expect(rowSums.every((s) => s === 1)).toBe(true);
      expect(inkMean[0]).toBeGreaterThan(0.08); // MNIST mean intensity ≈ 0.13
      expect(inkMean[0]).toBeLessThan(0.2);
      tf.dispose([xs, ys]);
    });
  });
});
