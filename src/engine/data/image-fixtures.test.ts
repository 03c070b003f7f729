import { crc32 as nodeCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodePngForTest } from '../test-utils/png-decode';
import {
  IMAGE_FIXTURES,
  crc32,
  encodePng,
  fixturePixels,
  imageFolderFixture,
  imageFolderZip,
  solidRgba,
  strokePixels,
} from './image-fixtures';

describe('PNG fixtures', () => {
  it('crc32 matches Node', () => {
    const bytes = new TextEncoder().encode('IEND and some more bytes');
    expect(crc32(bytes)).toBe(nodeCrc32(bytes) >>> 0);
  });

  it('round-trips RGBA pixels through an independent decoder', () => {
    const px = new Uint8Array(5 * 3 * 4).map((_, i) => (i * 37) % 256);
    const png = encodePng(5, 3, px);
    expect(Array.from(png.subarray(1, 4))).toEqual([0x50, 0x4e, 0x47]);
    const img = decodePngForTest(png);
    expect([img.width, img.height]).toEqual([5, 3]);
    expect(Array.from(img.data)).toEqual(Array.from(px));
    expect(Array.from(decodePngForTest(encodePng(2, 2, solidRgba(2, 2, [1, 2, 3, 4]))).data)).toEqual(
      Array(4).fill([1, 2, 3, 4]).flat(),
    );
  });

  it('the test decoder refuses what it does not understand', () => {
    const png = encodePng(2, 2, solidRgba(2, 2, [9, 9, 9, 255]));
    const bad = png.slice();
    bad[bad.length - 20] ^= 0xff; // inside IDAT: CRC no longer matches
    expect(() => decodePngForTest(bad)).toThrow();
    expect(() => decodePngForTest(new Uint8Array([1, 2, 3]))).toThrow(/signature/);
  });

  it('builds class-folder trees and zips of real PNGs', () => {
    const files = imageFolderFixture({ perClass: 2, width: 4, height: 3 });
    expect(files.map((f) => f.path)).toEqual([
      'colors/blue/blue-0.png',
      'colors/blue/blue-1.png',
      'colors/green/green-0.png',
      'colors/green/green-1.png',
      'colors/red/red-0.png',
      'colors/red/red-1.png',
    ]);
    const img = decodePngForTest(files[5].bytes);
    expect(Array.from(img.data)).toEqual(Array.from(fixturePixels([230, 30, 20, 255], 1, 4, 3)));
    expect(imageFolderZip({ perClass: 1 }).path).toBe('colors.zip');
  });

  it('unlabeled fixtures are distinct real PNGs in one folder', () => {
    const files = IMAGE_FIXTURES.unlabeled({ count: 4 });
    expect(files.map((f) => f.path)).toEqual(['unlabeled/img-0.png', 'unlabeled/img-1.png', 'unlabeled/img-2.png', 'unlabeled/img-3.png']);
    const decoded = files.map((f) => decodePngForTest(f.bytes));
    expect(decoded[0].width).toBe(28);
    expect(Array.from(decoded[2].data)).toEqual(Array.from(strokePixels(2, 28, 28)));
    expect(new Set(decoded.map((d) => d.data.join())).size).toBe(4);
  });
});
