/**
 * Find each weight file the manifest names, in MANIFEST order (never by file name: shard10 sorts
 * before shard2), recognise web pages and Git LFS pointers saved as .bin, and check that every
 * group's bytes are exactly what its weights need.
 */
import { BonsaiError } from '../errors';
import { looksLikeHtml } from './json';
import { elementCount, storedBytesPerElement, type ManifestGroup, type WeightSpec } from './manifest';
import { basename, cleanManifestPath, dirname, joinPath, normalizePath } from './paths';
import type { InputFile } from './types';

export interface PlacedWeights {
  shards: { path: string; bytes: Uint8Array }[];
  /** All shards concatenated in manifest order. */
  weightData: ArrayBuffer;
  /** Every group's weights, flattened in manifest order. */
  specs: WeightSpec[];
  /** Byte offset of each spec inside weightData. */
  offsets: number[];
}

export function placeWeights(groups: ManifestGroup[], files: InputFile[], modelJsonPath: string): PlacedWeights {
  const groupFiles = groups.map((g) => g.paths.map((p) => findShard(p, files, modelJsonPath)));
  const missing = groups.flatMap((g, gi) =>
    g.paths.filter((_, pi) => groupFiles[gi][pi] === null).map((p) => joinPath(dirname(modelJsonPath), p)),
  );
  const outside = groups.flatMap((g, gi) => g.paths.filter((p, pi) => groupFiles[gi][pi] === null && climbsOut(p)));
  if (outside.length > 0) throw outsideFolderError(outside, modelJsonPath);
  if (missing.length > 0) throw missingShardError(missing, files, modelJsonPath);

  const total = groupFiles.flat().reduce((n, f) => n + f!.bytes.byteLength, 0);
  const data = new Uint8Array(total);
  const shards: PlacedWeights['shards'] = [];
  const specs: WeightSpec[] = [];
  const offsets: number[] = [];
  let offset = 0;
  groups.forEach((group, gi) => {
    const groupStart = offset;
    for (const f of groupFiles[gi] as InputFile[]) {
      sniffShard(f);
      data.set(f.bytes, offset);
      offset += f.bytes.byteLength;
      shards.push({ path: f.path, bytes: f.bytes });
    }
    let at = groupStart;
    for (const spec of group.weights) {
      specs.push(spec);
      offsets.push(at);
      at = weightEnd(spec, data, at, offset, groupFiles[gi] as InputFile[], groupStart);
    }
    if (at !== offset) throw sizeMismatch(groupFiles[gi] as InputFile[], at - groupStart, offset - groupStart);
  });
  return { shards, weightData: data.buffer, specs, offsets };
}

function findShard(manifestPath: string, files: InputFile[], modelJsonPath: string): InputFile | null {
  const dir = dirname(modelJsonPath);
  const bare = manifestPath.split(/[?#]/, 1)[0];
  const names = [...new Set([bare, cleanManifestPath(manifestPath)])];
  for (const name of names) {
    const want = joinPath(dir, name);
    const exact = files.find((f) => normalizePath(f.path) === want);
    if (exact) return exact;
  }
  for (const name of names) {
    const matches = files.filter((f) => basename(f.path) === basename(name));
    // Prefer files beside model.json (same folder or same zip) when several share the name.
    const near = matches.filter((f) => f.path.startsWith(dir));
    if (near.length === 1) return near[0];
    if (matches.length === 1) return matches[0];
  }
  return null;
}

/**
 * "../x.bin" (or "a/../../x.bin") leads above the folder model.json is in; so does an absolute path
 * ("/etc/passwd", "C:\\x.bin", "\\\\server\\x", "file:///x"): TF.js only ever reads weight paths relative to model.json.
 */
export function climbsOut(manifestPath: string): boolean {
  const clean = cleanManifestPath(manifestPath);
  if (/^([/\\]|[a-z][a-z0-9+.-]*:)/i.test(clean)) return true;
  let depth = 0;
  for (const seg of clean.split(/[/\\]/)) {
    if (seg === '..') depth--;
    else if (seg !== '' && seg !== '.') depth++;
    if (depth < 0) return true;
  }
  return false;
}

function outsideFolderError(paths: string[], modelJsonPath: string): BonsaiError {
  const list = paths.slice(0, 3).map((p) => `"${p}"`).join(', ') + (paths.length > 3 ? ` and ${paths.length - 3} more` : '');
  return new BonsaiError(
    'SHARD_PATH_OUTSIDE',
    `${modelJsonPath} names weight file ${list}, which is outside the model's folder (the path climbs above it with "..", or is absolute).`,
    'TF.js reads weight files relative to model.json. Put the .bin files beside model.json and name them without "../" or a leading "/" in weightsManifest (or select them together with model.json).',
    modelJsonPath,
  );
}

function missingShardError(missing: string[], files: InputFile[], modelJsonPath: string): BonsaiError {
  const list = missing.slice(0, 3).join(', ') + (missing.length > 3 ? ` and ${missing.length - 3} more` : '');
  const noBins = !files.some((f) => f.path !== modelJsonPath && /\.bin$/i.test(f.path));
  return new BonsaiError(
    'MISSING_SHARD',
    noBins
      ? `${modelJsonPath} was selected without its weight files: expected ${list}.`
      : `${modelJsonPath} names weight file ${list}, which was not among the selected files.`,
    'Select the .bin weight files together with model.json (or drop the whole model folder or a zip of it). Without them TF.js would silently use random weights.',
    missing[0],
  );
}

const LFS_POINTER = 'version https://git-lfs.github.com/spec/';

function sniffShard(f: InputFile): void {
  const head = new TextDecoder('latin1').decode(f.bytes.subarray(0, 512));
  if (looksLikeHtml(head)) {
    throw new BonsaiError(
      'SHARD_IS_HTML',
      `${f.path} is an HTML web page, not binary weights.`,
      'The server returned a web page, probably a 404 or a login page, when this file was downloaded. Download the real .bin file again.',
      f.path,
    );
  }
  if (head.startsWith(LFS_POINTER)) {
    throw new BonsaiError(
      'SHARD_IS_LFS_POINTER',
      `${f.path} is a Git LFS pointer (a small text file), not the binary weights it points to.`,
      'Run `git lfs pull` in the repository (or download the file from the host\'s web page) and select the real .bin file.',
      f.path,
    );
  }
}

/** Where a weight ends; string weights are walked (each string: uint32 length + bytes). */
function weightEnd(
  spec: WeightSpec,
  data: Uint8Array,
  start: number,
  groupEnd: number,
  files: InputFile[],
  groupStart: number,
): number {
  const n = elementCount(spec.shape);
  const bpe = storedBytesPerElement(spec);
  if (bpe !== null) return start + n * bpe;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  // Each string needs at least its 4-byte length: refuse an impossible count before looping.
  if (start + n * 4 > groupEnd) throw sizeMismatch(files, start + n * 4 - groupStart, groupEnd - groupStart, true);
  let at = start;
  for (let i = 0; i < n; i++) {
    if (at + 4 > groupEnd) throw sizeMismatch(files, at + 4 - groupStart, groupEnd - groupStart, true);
    at += 4 + view.getUint32(at, true);
    if (at > groupEnd) throw sizeMismatch(files, at - groupStart, groupEnd - groupStart, true);
  }
  return at;
}

function sizeMismatch(files: InputFile[], expected: number, actual: number, atLeast = false): BonsaiError {
  const last = files[files.length - 1];
  const names = files.length === 1 ? last.path : `${files.map((f) => basename(f.path)).join(' + ')}`;
  const short = actual < expected;
  return new BonsaiError(
    'SHARD_SIZE_MISMATCH',
    short
      ? `${names}: the manifest's weights need ${atLeast ? 'at least ' : ''}${expected} bytes, but the file${files.length > 1 ? 's hold' : ' holds'} ${actual} bytes (too short).`
      : `${names}: the manifest's weights need ${expected} bytes, but the file${files.length > 1 ? 's hold' : ' holds'} ${actual} bytes (${actual - expected} extra bytes after the last weight).`,
    short
      ? 'The file was probably cut short by an interrupted download (download it again), or model.json belongs to another version of the model: use model.json and the .bin files exported together.'
      : 'This weight file does not belong to this model.json (another version of the model?). Use model.json and the .bin files exported together.',
    last.path,
  );
}
