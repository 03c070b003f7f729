/**
 * A minimal PNG decoder for tests, independent of Bonsai's encoder (Node's zlib for inflate and
 * CRC-32): 8-bit grayscale, RGB or RGBA, no interlace, filter type 0 (None) on every row only.
 * Anything else throws, which is what a test decoder should do with a file it does not understand.
 */
import { crc32, inflateSync } from 'node:zlib';

export interface TestDecodedImage {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export function decodePngForTest(bytes: Uint8Array): TestDecodedImage {
  if (bytes.length < 8 || SIGNATURE.some((b, i) => bytes[i] !== b)) throw new Error('not a PNG (bad signature)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Uint8Array[] = [];
  let ended = false;
  while (offset + 12 <= bytes.length) {
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    const data = bytes.subarray(offset + 8, offset + 8 + length);
    if (data.length !== length) throw new Error(`truncated ${type} chunk`);
    const crc = view.getUint32(offset + 8 + length);
    if (crc32(bytes.subarray(offset + 4, offset + 8 + length)) >>> 0 !== crc) throw new Error(`bad CRC in ${type}`);
    if (type === 'IHDR') {
      const h = new DataView(data.buffer, data.byteOffset, data.byteLength);
      width = h.getUint32(0);
      height = h.getUint32(4);
      const [depth, colorType, , , interlace] = data.subarray(8, 13);
      if (depth !== 8) throw new Error(`bit depth ${depth} unsupported`);
      if (interlace !== 0) throw new Error('interlaced PNG unsupported');
      channels = ({ 0: 1, 2: 3, 6: 4 } as Record<number, number>)[colorType] ?? 0;
      if (!channels) throw new Error(`colour type ${colorType} unsupported`);
    } else if (type === 'IDAT') {
      idat.push(data);
    } else if (type === 'IEND') {
      ended = true;
      break;
    }
    offset += 12 + length;
  }
  if (!ended || !channels) throw new Error('missing IHDR or IEND');
  const raw = new Uint8Array(inflateSync(Buffer.concat(idat)));
  const stride = width * channels;
  if (raw.length !== height * (stride + 1)) throw new Error(`inflated ${raw.length} bytes, expected ${height * (stride + 1)}`);
  const out = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    if (filter !== 0) throw new Error(`row ${y}: filter type ${filter} unsupported`);
    for (let x = 0; x < width; x++) {
      const s = y * (stride + 1) + 1 + x * channels;
      const o = (y * width + x) * 4;
      if (channels === 1) out.set([raw[s], raw[s], raw[s], 255], o);
      else out.set([raw[s], raw[s + 1], raw[s + 2], channels === 4 ? raw[s + 3] : 255], o);
    }
  }
  return { width, height, data: out };
}
