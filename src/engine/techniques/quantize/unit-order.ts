/**
 * Hidden units reordered so gzip finds longer runs (issue 12: help gzip without changing the
 * function). For each pair A → B that cross-layer equalization may rescale (equalize-pairs.ts:
 * only per-channel operations between them, so any channel permutation commutes too), A's output
 * channel i (kernel column and bias) and B's input channel i move together: the model computes the
 * same function, B's sums merely run in another order (float rounding in the last bits).
 *
 * Channels are sorted densest first, density = stored elements that differ from their tensor's
 * background (+0 in a pruned float32 tensor; the most frequent code of a 1- or 2-byte one, e.g. a
 * clustered tensor's zero code), so a sparse layer's zeros gather at the end of each row and its empty channels'
 * rows sit together. A pair whose next kernel has an N:M pattern along its input channels (no
 * aligned group of M = 4 or 8 holds more than M/2, a quarter or more kept) that the new order
 * would break is left alone. It works on stored bytes — float32, float16, uint8 or uint16 codes alike —
 * so it runs after any encoding, and the manifest and model.json are untouched (same names,
 * shapes, sizes and quantization).
 */
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { gzipSize } from '../../metrics/size';
import { elementCount, storedBytesPerElement } from '../../model/manifest';
import type { InputFile } from '../../model/types';
import { prepareModel } from '../../model/validate';
import { biasOf, findEqualizablePairs, kernelOf } from './equalize-pairs';
import { readStoredWeights } from './weights';

export interface UnitOrderPair {
  /** Stored weight names: A's kernel (channels last), A's bias, B's kernel viewed as [pre, C, post]. */
  first: string;
  firstBias: string | null;
  second: string;
  channels: number;
  secondView: [number, number, number];
}

/** The layer pairs whose shared channels can be permuted (depthwise layers tie input to output channels: left out). */
export function unitOrderPairs(model: LayersModel): UnitOrderPair[] {
  return findEqualizablePairs(model).pairs
    .filter((p) => p.first.getClassName() !== 'DepthwiseConv2D' && p.second.getClassName() !== 'DepthwiseConv2D')
    .map((p) => ({
      first: kernelOf(p.first)!.originalName,
      firstBias: biasOf(p.first)?.originalName ?? null,
      second: kernelOf(p.second)!.originalName,
      channels: p.channels,
      secondView: p.secondView,
    }));
}

interface Slot { offset: number; count: number; size: number }

/** Each element's stored value as a number (little-endian, `size` bytes). */
function keysOf(data: Uint8Array, s: Slot): Uint32Array {
  const view = new DataView(data.buffer, data.byteOffset + s.offset, s.count * s.size);
  const out = new Uint32Array(s.count);
  for (let i = 0; i < s.count; i++) out[i] = s.size === 4 ? view.getUint32(4 * i, true) : s.size === 2 ? view.getUint16(2 * i, true) : view.getUint8(i);
  return out;
}

/** Below this share of a tensor, its background is no background (a dense tensor): its side orders nothing. */
const MIN_BACKGROUND = 0.05;

/**
 * A tensor's background: +0 for 4-byte floats (pruning writes +0), the most frequent code for 1- or
 * 2-byte elements (a clustered tensor's zero code), counted in a fixed-size histogram so a large
 * tensor costs no map; null when it is under MIN_BACKGROUND of the tensor.
 */
function background(keys: Uint32Array, size: number): number | null {
  let value = 0;
  let count = 0;
  if (size === 4) {
    for (const k of keys) if (k === 0) count++;
  } else {
    const hist = new Uint32Array(1 << (8 * size));
    for (const k of keys) if (++hist[k] > count) [value, count] = [k, hist[k]];
  }
  return count >= MIN_BACKGROUND * keys.length ? value : null;
}

/** Elements of channel c that differ from the background `bg`, over a [pre, C, post] view. */
function channelCounts(keys: Uint32Array, [pre, C, post]: [number, number, number], bg: number): number[] {
  const n = new Array<number>(C).fill(0);
  for (let p = 0; p < pre; p++) for (let c = 0; c < C; c++) for (let q = 0; q < post; q++) if (keys[(p * C + c) * post + q] !== bg) n[c]++;
  return n;
}

const GROUPS = [4, 8];

/**
 * The most elements any aligned group of M consecutive channels holds off the background, for
 * M = 4 and 8 (N:M sparsity runs along the input channels): a reorder that raises it would break an
 * N:M pattern, so such a pair is left as it is.
 */
function groupPeaks(keys: Uint32Array, [pre, C, post]: [number, number, number], bg: number, order?: number[]): number[] {
  return GROUPS.map((M) => {
    let peak = 0;
    for (let p = 0; p < pre; p++) {
      for (let q = 0; q < post; q++) {
        for (let g = 0; g + M <= C; g += M) {
          let n = 0;
          for (let c = g; c < g + M; c++) if (keys[(p * C + (order ? order[c] : c)) * post + q] !== bg) n++;
          peak = Math.max(peak, n);
        }
      }
    }
    return peak;
  });
}

/** Rewrite `s` in `data` so that channel `order[d]` of the [pre, C, post] view lands at d. */
function permute(data: Uint8Array, s: Slot, [pre, C, post]: [number, number, number], order: number[]): void {
  const old = data.slice(s.offset, s.offset + s.count * s.size);
  const run = post * s.size;
  for (let p = 0; p < pre; p++) {
    for (let d = 0; d < C; d++) {
      const from = (p * C + order[d]) * run;
      data.set(old.subarray(from, from + run), s.offset + (p * C + d) * run);
    }
  }
}

/**
 * Less than this is gzip's noise, not a gain worth a new unit order and a note: a stranger's
 * clustered 9,412-weight MLP was reordered for 2,072 → 2,071 B. (LeNet-300-100 at 90–95% gains
 * 0.26–0.3%, the Caffe LeNet-5 3%.)
 */
const MIN_GAIN_BYTES = 16;
const MIN_GAIN_SHARE = 0.001;

/** Whether a reorder from `before` to `after` gzip bytes is a gain worth keeping. */
export const worthReordering = (before: number, after: number): boolean => before - after >= Math.max(MIN_GAIN_BYTES, MIN_GAIN_SHARE * before);

export interface UnitOrderResult {
  files: InputFile[];
  /** Pairs whose channels moved. */
  reordered: string[];
  gzipBefore: number;
  gzipAfter: number;
}

/**
 * The files with each pair's shared channels sorted densest first. Only the weight shards change;
 * when gzip would not shrink by at least 0.1% (and 16 B), the input files come back as they were.
 */
export function reorderUnitsForGzip(files: InputFile[], pairs: UnitOrderPair[]): UnitOrderResult {
  const prepared = prepareModel(files);
  const shardSize = (list: { bytes: Uint8Array }[]) => list.reduce((n, f) => n + gzipSize(f.bytes), 0);
  const gzipBefore = shardSize(prepared.shards);
  const unchanged = { files, reordered: [], gzipBefore, gzipAfter: gzipBefore };
  const slots = new Map<string, Slot>();
  let offset = 0;
  for (const w of readStoredWeights(prepared)) {
    const size = storedBytesPerElement(w.spec);
    if (size !== null) slots.set(w.spec.name, { offset, count: elementCount(w.spec.shape), size });
    offset += w.bytes.byteLength;
  }
  const data = new Uint8Array(offset);
  let at = 0;
  for (const s of prepared.shards) {
    data.set(s.bytes, at);
    at += s.bytes.byteLength;
  }

  const reordered: string[] = [];
  for (const p of pairs) {
    const a = slots.get(p.first);
    const b = slots.get(p.second);
    const bias = p.firstBias === null ? undefined : slots.get(p.firstBias);
    if (!a || !b || (p.firstBias !== null && !bias) || a.count % p.channels !== 0) continue;
    const aView: [number, number, number] = [a.count / p.channels, p.channels, 1];
    const [keysA, keysB] = [keysOf(data, a), keysOf(data, b)];
    const [bgA, bgB] = [background(keysA, a.size), background(keysB, b.size)];
    // A dense side has no zeros to gather: only a sparse side's counts order the channels.
    if (bgA === null && bgB === null) continue;
    const na = bgA === null ? null : channelCounts(keysA, aView, bgA);
    const nb = bgB === null ? null : channelCounts(keysB, p.secondView, bgB);
    const density = Array.from({ length: p.channels }, (_, c) => (na?.[c] ?? 0) + (nb?.[c] ?? 0));
    const order = density.map((_, c) => c).sort((x, y) => density[y] - density[x] || x - y);
    if (order.every((c, i) => c === i)) continue;
    // An N:M pattern in B (at most half of each aligned group of M kept, a quarter or more kept
    // overall: a 96%-sparse tensor has few groups over 2 of 4 by chance alone) the order would break.
    if (nb && bgB !== null && nb.reduce((x, y) => x + y, 0) >= 0.25 * keysB.length) {
      const [before, after] = [groupPeaks(keysB, p.secondView, bgB), groupPeaks(keysB, p.secondView, bgB, order)];
      if (before.some((n, i) => n <= GROUPS[i] / 2 && after[i] > n)) continue;
    }
    permute(data, a, aView, order);
    if (bias) permute(data, bias, [1, p.channels, 1], order);
    permute(data, b, p.secondView, order);
    reordered.push(`${p.first.split('/')[0]} → ${p.second.split('/')[0]}`);
  }
  if (!reordered.length) return unchanged;

  const shards: { path: string; bytes: Uint8Array }[] = [];
  at = 0;
  for (const s of prepared.shards) {
    shards.push({ path: s.path, bytes: data.slice(at, at + s.bytes.byteLength) });
    at += s.bytes.byteLength;
  }
  const gzipAfter = shardSize(shards);
  if (!worthReordering(gzipBefore, gzipAfter)) return unchanged;
  const byPath = new Map(shards.map((s) => [s.path, s.bytes]));
  return { files: files.map((f) => (byPath.has(f.path) ? { ...f, bytes: byPath.get(f.path)! } : f)), reordered, gzipBefore, gzipAfter };
}

/**
 * What the prune and cluster writers call on their output: the reordered files when gzip shrinks,
 * with a note saying which pairs moved and the shard's gzip bytes before and after.
 */
export function orderUnitsForGzip(files: InputFile[], model: LayersModel, notes: string[]): InputFile[] {
  const r = reorderUnitsForGzip(files, unitOrderPairs(model));
  if (r.files === files) return files;
  const n = (x: number) => x.toLocaleString('en-US');
  notes.push(`Hidden units reordered, densest first (${r.reordered.join(', ')}), so gzip finds longer zero runs: weights ${n(r.gzipBefore)} → ${n(r.gzipAfter)} B gzipped. The model computes the same function.`);
  return r.files;
}
