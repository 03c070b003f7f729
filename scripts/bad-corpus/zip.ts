/** Zips with a fixed timestamp, so the generated corpus is byte-identical on every run. */
import { zipSync } from 'fflate';
import type { InputFile } from '../../src/engine/model/types';

const MTIME = new Date('2024-01-01T00:00:00Z');

export function zipOf(name: string, files: InputFile[], level: 0 | 6 | 9 = 6): InputFile {
  const entries: Record<string, [Uint8Array, { mtime: Date; level: 0 | 6 | 9 }]> = {};
  for (const f of files) entries[f.path] = [f.bytes, { mtime: MTIME, level }];
  return { path: name, bytes: zipSync(entries) };
}

/** Overwrite the uncompressed size of every entry, in the central directory and local headers. */
export function withDeclaredSize(zip: InputFile, size: number): InputFile {
  const bytes = zip.bytes.slice();
  const view = new DataView(bytes.buffer);
  for (let i = 0; i + 46 <= bytes.length; i++) {
    const sig = view.getUint32(i, true);
    if (sig === 0x02014b50) view.setUint32(i + 24, size, true);
    if (sig === 0x04034b50) view.setUint32(i + 22, size, true);
  }
  return { path: zip.path, bytes };
}
