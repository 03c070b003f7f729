/**
 * Real PNG files for tests: a minimal PNG encoder (8-bit RGBA, filter 0 on every row, zlib via
 * fflate) and small class-folder trees. No tf or vitest import, so unit tests, e2e specs and
 * scripts can all use it (e.g. to drop a real image folder into the browser).
 */
import { zipSync, zlibSync } from 'fflate';
import type { InputFile } from '../model/types';
import { concatBytes } from '../runtime/bytes';

export type Rgba = readonly [number, number, number, number];

let crcTable: Uint32Array | null = null;

/** CRC-32 (ISO 3309, as PNG chunks use). */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = crcTable[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out, 4, 8 + data.length));
  return out;
}

/** Encode width × height RGBA pixels (row-major, 4 bytes each) as a PNG file. */
export function encodePng(width: number, height: number, rgba: Uint8Array | Uint8ClampedArray): Uint8Array {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`encodePng: bad size ${width}×${height}`);
  }
  if (rgba.length !== width * height * 4) {
    throw new RangeError(`encodePng: ${rgba.length} bytes for ${width}×${height} RGBA pixels`);
  }
  const ihdr = new Uint8Array(13);
  const hv = new DataView(ihdr.buffer);
  hv.setUint32(0, width);
  hv.setUint32(4, height);
  ihdr.set([8, 6, 0, 0, 0], 8); // bit depth 8, colour type 6 (RGBA), deflate, filter method 0, no interlace
  const stride = width * 4;
  const raw = new Uint8Array(height * (stride + 1));
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0; // filter type 0 (None)
    raw.set(rgba.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  const parts = [
    Uint8Array.from(PNG_SIGNATURE),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlibSync(raw)),
    chunk('IEND', new Uint8Array(0)),
  ];
  return concatBytes(parts);
}

/** width × height pixels of one colour. */
export function solidRgba(width: number, height: number, color: Rgba): Uint8Array {
  const out = new Uint8Array(width * height * 4);
  for (let i = 0; i < out.length; i += 4) out.set(color, i);
  return out;
}

export interface FixtureClass {
  name: string;
  color: Rgba;
}

/** Three colours far apart in RGB and in luminance (0.299R + 0.587G + 0.114B). */
export const FIXTURE_CLASSES: readonly FixtureClass[] = [
  { name: 'blue', color: [20, 40, 220, 255] },
  { name: 'green', color: [30, 200, 60, 255] },
  { name: 'red', color: [230, 30, 20, 255] },
];

export interface ImageFolderOptions {
  /** Wrapper folder, e.g. "colors" → colors/red/red-0.png. "" for none. Default "colors". */
  root?: string;
  classes?: readonly FixtureClass[];
  perClass?: number;
  width?: number;
  height?: number;
}

/**
 * The pixels of image `i` of a class: its colour with a small deterministic per-image brightness
 * shift (so no two images are identical) and a 1-pixel darker border.
 */
export function fixturePixels(color: Rgba, i: number, width: number, height: number): Uint8Array {
  const shift = ((i * 7) % 11) - 5;
  const out = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const edge = x === 0 || y === 0 || x === width - 1 || y === height - 1;
      const o = (y * width + x) * 4;
      for (let c = 0; c < 3; c++) out[o + c] = Math.max(0, Math.min(255, color[c] + shift - (edge ? 16 : 0)));
      out[o + 3] = color[3];
    }
  }
  return out;
}

/** A class-folder tree of real PNG files: root/<class>/<class>-<i>.png. */
export function imageFolderFixture(options: ImageFolderOptions = {}): InputFile[] {
  const { root = 'colors', classes = FIXTURE_CLASSES, perClass = 5, width = 8, height = 8 } = options;
  const prefix = root ? `${root}/` : '';
  const files: InputFile[] = [];
  for (const cls of classes) {
    for (let i = 0; i < perClass; i++) {
      files.push({
        path: `${prefix}${cls.name}/${cls.name}-${i}.png`,
        bytes: encodePng(width, height, fixturePixels(cls.color, i, width, height)),
      });
    }
  }
  return files;
}

/** The same tree as one zip file ("<root or images>.zip"); entries keep the folder structure. */
export function imageFolderZip(options: ImageFolderOptions = {}): InputFile {
  const files = imageFolderFixture(options);
  const entries: Record<string, Uint8Array> = {};
  for (const f of files) entries[f.path] = f.bytes;
  const root = options.root ?? 'colors';
  return { path: `${root || 'images'}.zip`, bytes: zipSync(entries, { level: 0 }) };
}

export interface UnlabeledImagesOptions {
  /** Folder the images sit in. Default "unlabeled". */
  root?: string;
  count?: number;
  /** Default 28 × 28 (MNIST-sized). */
  width?: number;
  height?: number;
}

/**
 * White strokes on black, different for each image (a vertical and a horizontal bar whose
 * positions move with `i`), so a digit model's predictions vary across them.
 */
export function strokePixels(i: number, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height * 4);
  const col = Math.floor(((i * 5 + 3) % 10) * (width / 10)) + 1;
  const row = Math.floor(((i * 3 + 2) % 10) * (height / 10)) + 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const on = Math.abs(x - col) <= 1 || (Math.abs(y - row) <= 1 && x >= col);
      out.set(on ? [255, 255, 255, 255] : [0, 0, 0, 255], (y * width + x) * 4);
    }
  }
  return out;
}

/** A flat folder of real PNGs with no class folders: root/img-<i>.png. */
export function unlabeledImagesFixture(options: UnlabeledImagesOptions = {}): InputFile[] {
  const { root = 'unlabeled', count = 8, width = 28, height = 28 } = options;
  const prefix = root ? `${root}/` : '';
  return Array.from({ length: count }, (_, i) => ({
    path: `${prefix}img-${i}.png`,
    bytes: encodePng(width, height, strokePixels(i, width, height)),
  }));
}

/** The fixtures in one place, for e2e specs: `IMAGE_FIXTURES.labeled()`, `.zip()`, `.unlabeled()`. */
export const IMAGE_FIXTURES = {
  labeled: (options?: ImageFolderOptions) => imageFolderFixture(options),
  zip: (options?: ImageFolderOptions) => imageFolderZip(options),
  unlabeled: (options?: UnlabeledImagesOptions) => unlabeledImagesFixture(options),
} as const;
