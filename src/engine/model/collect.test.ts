import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { collectFiles, DEFAULT_IMPORT_LIMITS } from './collect';
import { jsonDepth } from './json';
import { formatMB } from './limits';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('collectFiles', () => {
  it('expands zips, keeps folders in the path, and skips __MACOSX and dot-files', () => {
    const zip = zipSync({ 'm/model.json': bytes('{}'), 'm/.DS_Store': bytes('x'), '__MACOSX/m/._model.json': bytes('x'), 'm/sub/': new Uint8Array(0) });
    const out = collectFiles([{ path: 'My.ZIP', bytes: zip }, { path: '.hidden', bytes: bytes('x') }, { path: 'a.bin', bytes: bytes('x') }]);
    expect(out.map((f) => f.path)).toEqual(['zip:My.ZIP/m/model.json', 'a.bin']);
    expect(new TextDecoder().decode(out[0].bytes)).toBe('{}');
  });

  it('checks each zip entry against the per-file cap before inflating it', () => {
    const zip = zipSync({ 'model.json': new Uint8Array(5000) });
    expect(() => collectFiles([{ path: 'z.zip', bytes: zip }], { maxFileBytes: 4096 })).toThrow(
      expect.objectContaining({ code: 'FILE_TOO_LARGE', file: 'zip:z.zip/model.json' }),
    );
  });

  it('limits the number of zip entries', () => {
    const entries: Record<string, Uint8Array> = {};
    for (let i = 0; i < 5; i++) entries[`f${i}.bin`] = bytes('x');
    expect(() => collectFiles([{ path: 'z.zip', bytes: zipSync(entries) }], { maxZipEntries: 4 })).toThrow(
      expect.objectContaining({ code: 'ZIP_TOO_LARGE' }),
    );
  });

  it('has caps in MB that the messages spell out', () => {
    expect(DEFAULT_IMPORT_LIMITS.maxFileBytes).toBe(512 * 2 ** 20);
    expect(formatMB(DEFAULT_IMPORT_LIMITS.maxFileBytes)).toBe('512 MB');
    expect(formatMB(1024)).toBe('1 KB');
  });
});

describe('jsonDepth', () => {
  it('counts brackets outside strings only', () => {
    expect(jsonDepth('{"a":[1,{"b":"[[[[\\"{{"}]}')).toBe(3);
    expect(jsonDepth('[]')).toBe(1);
    expect(jsonDepth('"x"')).toBe(0);
  });
});
