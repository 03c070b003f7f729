/**
 * Conv2D with one input channel (LeNet-5's conv1: x [64,28,28,1] * W [5,5,1,6], 'same') at stride
 * 1 and dilation 1 as a SIMD128 pass in TF.js's wasm heap (heap-wasm.ts). XNNPACK's kernel ran
 * that case at ~8–13 GFLOP/s (its GEMM has a reduction of only KH·KW = 25 and 6 output channels),
 * against ~24–34 for LeNet-5's conv2. With x zero-padded to xp [B, OH+KH−1, OWp+KW−1] (OWp: OW
 * rounded up to whole blocks), each block of 4·PV adjacent output pixels of a row keeps PV·G
 * accumulators (G output channels a pass, 4 pixels of one channel each): per tap (kh, kw) the PV vectors
 * xp[b, i+kh, j+kw .. j+kw+4·PV−1] (contiguous: one channel) are multiplied by the splatted weight
 * W[kh, kw, 0, o] and added, in the CPU backend's tap order; the lanes are stored one by one into
 * the [.., O] output. xp is written by bulk memory ops (memory.fill, memory.copy per row) in the
 * heap. Padding is multiplied like XNNPACK's (0 · w), so a filter with a non-finite
 * weight and any padding goes to TF.js's kernel, as does every case but one float32 input channel
 * at stride 1, dilation 1, NHWC, with ≤ 8 output channels and a ≤ 7×7 filter.
 */
import { backend_util, type KernelBackend, type KernelConfig, type KernelFunc, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';
import { cropAndPad } from './filter-grad-simd';
import { addTo, countDownLoop, get, heapFunction, heapMemory, I32, i32Const, memarg, moduleBytes, set, uleb, V128, type HeapBackend } from './heap-wasm';

export const CONV2D = 'Conv2D';

/** (xp row, filter, out row, rows, blocks per row, out row bytes) → (), byte addresses. */
export type SingleChannelConvFn = (xp: number, filter: number, out: number, rows: number, blocks: number, outRowBytes: number, zero: number) => void;

const simd = (op: number) => [0xfd, ...uleb(op)];
const I32_ADD = 0x6a;
const MAX_OUT_CHANNELS = 8;
const MAX_KERNEL = 7;
/** 16 pixels × 2 channels a pass: 8 accumulators, 4 x vectors, 1 weight (measured best of 1–7 × 1–6 for LeNet-5's conv1). */
const PIXEL_VECTORS = 4;
const CHANNEL_GROUP = 2;

export interface SingleChannelGeometry {
  kh: number;
  kw: number;
  channels: number; // O
  paddedWidth: number; // floats per xp row
  pixelVectors: number; // PV: 4·PV output pixels per block
  storePixels: number; // pixels of the block written (the row's last block may be partial)
  channelGroup: number; // output channels accumulated at a time
}

export function singleChannelConvModuleBytes(g: SingleChannelGeometry): Uint8Array<ArrayBuffer> {
  const { kh, kw, channels: o, paddedWidth, pixelVectors: pv, storePixels } = g;
  const [X, W, OUT, ROWS, BLOCKS, OUTROW, ZERO] = [0, 1, 2, 3, 4, 5, 6];
  const [XR, OR, BC, XT, WT, RC, SC] = [7, 8, 9, 10, 11, 12, 13]; // i32
  const ACC = 14; // PV·G v128, then PV x vectors, then the weight
  const XV = ACC + pv * g.channelGroup;
  const WV = XV + pv;
  const acc = (p: number, c: number) => ACC + p * g.channelGroup + c;
  const rowBytes = paddedWidth * 4;
  // Address = base + c computed here, memarg offset 0: V8 adds a constant offset to the memory start
  // and hoists every such sum out of the loop (one spilled register per offset).
  const at = (base: number, c: number) => (c === 0 ? get(base) : [...get(base), ...i32Const(c), I32_ADD]);
  const body: number[] = [];
  body.push(0x03, 0x40); // loop over rows
  body.push(...get(X), ...set(XR), ...get(OUT), ...set(OR), ...get(BLOCKS), ...set(BC));
  body.push(0x03, 0x40); // loop over blocks
  const cg = g.channelGroup;
  for (let c0 = 0; c0 < o; c0 += cg) {
    const c1 = Math.min(o, c0 + cg);
    for (let p = 0; p < pv; p++) for (let c = c0; c < c1; c++) body.push(...simd(0x0c), ...new Array<number>(16).fill(0), ...set(acc(p, c - c0)));
    // One tap per iteration (a loop, not unrolled: TurboFan would load every tap's operands first and spill them).
    body.push(...get(XR), ...set(XT), ...get(W), ...i32Const(c0 * 4), I32_ADD, ...set(WT), ...i32Const(kh), ...set(RC));
    body.push(0x03, 0x40); // loop over filter rows
    body.push(...i32Const(kw), ...set(SC));
    body.push(0x03, 0x40); // loop over filter columns
    for (let p = 0; p < pv; p++) body.push(...at(XT, 16 * p), ...simd(0x00), ...memarg(0), ...set(XV + p)); // v128.load
    for (let c = c0; c < c1; c++) {
      body.push(...at(WT, (c - c0) * 4), ...simd(0x09), ...memarg(0), ...set(WV)); // v128.load32_splat
      for (let p = 0; p < pv; p++) {
        body.push(...get(acc(p, c - c0)), ...get(XV + p), ...get(WV), ...simd(0xe6), ...simd(0xe4), ...set(acc(p, c - c0))); // f32x4.mul, f32x4.add
      }
    }
    body.push(...get(XT), ...i32Const(4), I32_ADD, ...set(XT), ...get(WT), ...i32Const(o * 4), I32_ADD, ...set(WT), ...countDownLoop(SC));
    body.push(0x0b);
    body.push(...get(XT), ...i32Const(rowBytes - kw * 4), I32_ADD, ...set(XT), ...countDownLoop(RC));
    body.push(0x0b);
    for (let q = 0; q < storePixels; q++) {
      for (let c = c0; c < c1; c++) body.push(...at(OR, (q * o + c) * 4), ...get(acc(q >> 2, c - c0)), ...simd(0x5a), ...memarg(0), q & 3); // v128.store32_lane
    }
  }
  body.push(...get(XR), ...i32Const(16 * pv), I32_ADD, ...set(XR));
  body.push(...get(OR), ...i32Const(16 * pv * o), I32_ADD, ...set(OR));
  body.push(...get(W), ...get(ZERO), I32_ADD, ...set(W)); // W + 0, opaque: not loop-invariant
  body.push(...countDownLoop(BC));
  body.push(0x0b); // end blocks
  body.push(...get(X), ...i32Const(rowBytes), I32_ADD, ...set(X), ...addTo(OUT, OUTROW), ...countDownLoop(ROWS));
  body.push(0x0b, 0x0b); // end rows, end function
  return moduleBytes('conv', 7, [
    [7, I32],
    [pv * g.channelGroup + pv + 1, V128],
  ], body);
}

/** (x, xp, xp bytes, first row's place, images, rows per image, x row bytes, xp row bytes, xp bytes skipped after an image) → (). */
export type PadFn = (x: number, xp: number, paddedBytes: number, first: number, images: number, rows: number, rowBytes: number, paddedRowBytes: number, imageSkip: number) => void;

/** xp = 0, then each x row copied to its place (bulk memory: TF.js's PadV2 or a JavaScript loop took ~0.15 ms for conv1). */
export function padModuleBytes(): Uint8Array<ArrayBuffer> {
  const [X, XP, BYTES, FIRST, IMAGES, ROWS, ROW, PROW, SKIP] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const RC = 9;
  const body: number[] = [...get(XP), ...i32Const(0), ...get(BYTES), 0xfc, 0x0b, 0x00]; // memory.fill
  body.push(...get(FIRST), ...set(XP));
  body.push(0x03, 0x40); // loop over images
  body.push(...get(ROWS), ...set(RC));
  body.push(0x03, 0x40); // loop over rows
  body.push(...get(XP), ...get(X), ...get(ROW), 0xfc, 0x0a, 0x00, 0x00); // memory.copy
  body.push(...addTo(X, ROW), ...addTo(XP, PROW), ...countDownLoop(RC));
  body.push(0x0b);
  body.push(...addTo(XP, SKIP), ...countDownLoop(IMAGES));
  body.push(0x0b, 0x0b);
  return moduleBytes('pad', 9, [[1, I32]], body);
}

interface Attrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dilations?: [number, number] | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** Runs of the single-channel pass (tests assert that it ran). */
export const singleChannelConvRuns = { count: 0 };

function compiled(memory: WebAssembly.Memory, g: SingleChannelGeometry): SingleChannelConvFn | null {
  const key = `conv c1 ${g.kh}x${g.kw}x${g.channels} w${g.paddedWidth} v${g.pixelVectors} g${g.channelGroup} s${g.storePixels}`;
  return heapFunction<SingleChannelConvFn>(memory, key, 'conv', () => singleChannelConvModuleBytes(g));
}

/** The convolution, or null when this pass does not take the case. */
export function singleChannelConv(backend: unknown, x: TensorInfo, filter: TensorInfo, a: Attrs): TensorInfo | null {
  if (x.dtype !== 'float32' || filter.dtype !== 'float32' || x.shape.length !== 4 || filter.shape.length !== 4) return null;
  if (a.dataFormat !== undefined && a.dataFormat !== 'NHWC') return null;
  const [kh, kw, cin, o] = filter.shape;
  if (cin !== 1 || x.shape[3] !== 1 || o > MAX_OUT_CHANNELS || kh > MAX_KERNEL || kw > MAX_KERNEL) return null;
  const info = backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filter.shape as [number, number, number, number], a.strides, a.dilations ?? 1, a.pad, a.dimRoundingMode, false, 'channelsLast');
  if (info.strideHeight !== 1 || info.strideWidth !== 1 || info.dilationHeight !== 1 || info.dilationWidth !== 1) return null;
  const { batchSize: batch, inHeight, inWidth, outHeight: oh, outWidth: ow, padInfo } = info;
  if (oh <= 0 || ow <= 0 || batch <= 0) return null;
  const pv = PIXEL_VECTORS;
  const block = 4 * pv;
  const full = Math.floor(ow / block);
  const tail = ow - full * block;
  const paddedH = oh + kh - 1;
  const paddedW = (full + (tail > 0 ? 1 : 0)) * block + kw - 1;
  const hPadAfter = paddedH - padInfo.top - inHeight;
  const wPadAfter = paddedW - padInfo.left - inWidth;
  if (padInfo.top < 0 || padInfo.left < 0 || hPadAfter < 0 || wPadAfter < 0) return null;
  const memory = heapMemory(backend);
  if (memory === null) return null;
  const heap = backend as HeapBackend;
  const padded = padInfo.top > 0 || padInfo.left > 0 || hPadAfter > 0 || wPadAfter > 0;
  if (padInfo.top > 0 || padInfo.bottom > 0 || padInfo.left > 0 || padInfo.right > 0) {
    // 0 · ±∞ = NaN where XNNPACK (and this pass) multiply padding: leave that case to TF.js's kernel.
    // (The columns that only round rows up to whole blocks feed lanes that are never stored.)
    const w = heap.typedArrayFromHeap(filter);
    for (let i = 0; i < w.length; i++) if (!Number.isFinite(w[i])) return null;
  }
  const geometry = (storePixels: number): SingleChannelGeometry => ({ kh, kw, channels: o, paddedWidth: paddedW, pixelVectors: pv, storePixels, channelGroup: Math.min(CHANNEL_GROUP, o) });
  const main = full > 0 ? compiled(memory, geometry(block)) : null;
  const last = tail > 0 ? compiled(memory, geometry(tail)) : null;
  if ((full > 0 && main === null) || (tail > 0 && last === null)) return null;

  const xp = padded ? heap.makeOutput([batch, paddedH, paddedW, 1], 'float32') : x;
  const out = heap.makeOutput([batch, oh, ow, o], 'float32');
  try {
    if (padded) {
      const pad = heapFunction<PadFn>(memory, 'conv c1 pad', 'pad', padModuleBytes);
      if (pad === null) cropAndPad(heap.typedArrayFromHeap(x), x.shape, heap.typedArrayFromHeap(xp), { begin: 0, size: inHeight, padBefore: padInfo.top, padAfter: hPadAfter }, { begin: 0, size: inWidth, padBefore: padInfo.left, padAfter: wPadAfter });
      else {
        const xpBase = heap.typedArrayFromHeap(xp).byteOffset;
        const first = xpBase + (padInfo.top * paddedW + padInfo.left) * 4;
        // From past an image's last row to the next image's first: its bottom and the next one's top padding rows.
        const skip = (hPadAfter + padInfo.top) * paddedW * 4;
        pad(heap.typedArrayFromHeap(x).byteOffset, xpBase, batch * paddedH * paddedW * 4, first, batch, inHeight, inWidth * 4, paddedW * 4, skip);
      }
    }
    // Addresses after every allocation.
    const xBase = heap.typedArrayFromHeap(xp).byteOffset;
    const wBase = heap.typedArrayFromHeap(filter).byteOffset;
    const outBase = heap.typedArrayFromHeap(out).byteOffset;
    const outRowBytes = ow * o * 4;
    for (let b = 0; b < batch; b++) {
      const xImage = xBase + b * paddedH * paddedW * 4;
      const outImage = outBase + b * oh * outRowBytes;
      if (main !== null) main(xImage, wBase, outImage, oh, full, outRowBytes, 0);
      if (last !== null) last(xImage + full * block * 4, wBase, outImage + full * block * o * 4, oh, 1, outRowBytes, 0);
    }
  } finally {
    if (padded) heap.disposeData(xp.dataId);
  }
  singleChannelConvRuns.count++;
  return out;
}

/** `original` is TF.js's Conv2D for this backend, which takes every case this pass does not. */
export function singleChannelConvKernel(backendName: string, original: KernelConfig): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: { inputs: Record<string, TensorInfo>; backend: unknown; attrs?: unknown }) => {
    const { x, filter } = inputs as { x: TensorInfo; filter: TensorInfo };
    const out = singleChannelConv(backend, x, filter, attrs as Attrs);
    return out ?? original.kernelFunc({ inputs, backend: backend as KernelBackend, attrs: attrs as NamedAttrMap });
  };
  return { kernelName: CONV2D, backendName, kernelFunc: kernelFunc as KernelFunc, setupFunc: original.setupFunc, disposeFunc: original.disposeFunc };
}
