/**
 * Conv2DBackpropFilter at stride 1 and dilation 1 as sums of outer products in TF.js's wasm heap
 * (outer-product-simd.ts), for filters with few input and output channels (LeNet-5 conv1:
 * [5,5,1,6]). With x cropped and zero-padded to xp [B, OH+KH−1, OW+KW−1, C]:
 *
 *   dW[kh, kw, c, o] = Σ_{b,i,j} xp[b, i+kh, j+kw, c] · dy[b, i, j, o]
 *
 * For fixed b, kh and i, the KW·C values xp[b, i+kh, j .. j+KW−1, :] are contiguous, and so are
 * dy[b, i, j, :]: dW[kh] viewed as [KW·C, O] gains their outer product for each j. The sweep
 * keeps LB rows × OV vectors of it in registers and walks every (i, j); O is padded to OV·4 lanes
 * (the extra lanes read the next pixel's values and are dropped). XNNPACK's convolution with dy as
 * the filter (the composed kernel) packs dy anew every call and computes only 25 output pixels
 * from a 50,176-long reduction; this reads each operand once per kh.
 */
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { filterGradWindow, type Axis, type Window } from './conv-geometry';
import type { KernelScope } from './kernel-scope';
import { heapMemory, type HeapBackend } from './heap-wasm';
import { maxSweepRows, outerProductSweep, type SweepFn } from './outer-product-simd';

/**
 * Up to these KW·C and O (dy is reloaded once per LB rows of KW·C; measured faster than the
 * composed kernel for LeNet-5's conv1, KW·C = 5, O = 6, and conv2, KW·C = 30, O = 16).
 */
const MAX_ROW = 32;
const MAX_OUT_CHANNELS = 16;

/**
 * xp = x cropped to the windows, zero-padded around: one loop per kept row (no subarray views: ~0.4 µs each; TF.js's wasm
 * PadV2 took ~1.4 ms for LeNet-5's [64,28,28,1], longer than the sweeps).
 */
export function cropAndPad(x: Float32Array, xShape: number[], xp: Float32Array, h: Window, w: Window): void {
  const [batch, height, width, c] = xShape;
  const paddedH = h.padBefore + h.size + h.padAfter;
  const paddedW = w.padBefore + w.size + w.padAfter;
  xp.fill(0);
  const rowLen = w.size * c;
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < h.size; i++) {
      const src = ((b * height + h.begin + i) * width + w.begin) * c;
      const dst = ((b * paddedH + h.padBefore + i) * paddedW + w.padBefore) * c;
      for (let k = 0; k < rowLen; k++) xp[dst + k] = x[src + k];
    }
  }
}

/** True when this kernel handles the case (before looking for the runtime's support). */
export function simdFilterGradApplies(h: Axis, w: Axis, filterShape: number[], x: TensorInfo, dy: TensorInfo): boolean {
  const [, kw, c, o] = filterShape;
  return (
    h.stride === 1 &&
    w.stride === 1 &&
    h.dilation === 1 &&
    w.dilation === 1 &&
    kw * c <= MAX_ROW &&
    o <= MAX_OUT_CHANNELS &&
    x.dtype === 'float32' &&
    dy.dtype === 'float32' &&
    h.outSize > 0 &&
    w.outSize > 0 &&
    // Shapes that disagree go to the composed kernel, which reports them.
    x.shape[3] === c &&
    dy.shape[1] === h.outSize &&
    dy.shape[2] === w.outSize &&
    dy.shape[3] === o
  );
}

/** The gradient [KH,KW,C,O], owned by `scope`, or null when the case or the runtime is not supported. */
export function simdFilterGrad(scope: KernelScope, backend: unknown, x: TensorInfo, dy: TensorInfo, h: Axis, w: Axis, filterShape: number[]): TensorInfo | null {
  if (!simdFilterGradApplies(h, w, filterShape, x, dy)) return null;
  const memory = heapMemory(backend);
  const hWin = filterGradWindow(h);
  const wWin = filterGradWindow(w);
  if (memory === null || hWin === null || wWin === null) return null;
  const [kh, kw, c, o] = filterShape;
  const ov = Math.ceil(o / 4);
  const rowLen = kw * c;
  const lb = Math.min(rowLen, maxSweepRows(ov));
  const sweeps: { from: number; fn: SweepFn }[] = [];
  for (let from = 0; from < rowLen; from += lb) {
    const fn = outerProductSweep(memory, Math.min(lb, rowLen - from), ov);
    if (fn === null) return null;
    sweeps.push({ from, fn });
  }
  const heap = backend as HeapBackend;
  const [batch, outH, outW] = dy.shape;
  // Lanes past O read the next pixel: the last pixel's reads must stay inside the memory.
  const dyBytes = heap.typedArrayFromHeap(dy).byteOffset + batch * outH * outW * o * 4;
  if (dyBytes + ov * 16 > memory.buffer.byteLength) return null;

  const paddedH = hWin.padBefore + hWin.size + hWin.padAfter;
  const paddedW = wWin.padBefore + wWin.size + wWin.padAfter;
  if (paddedH !== outH + kh - 1 || paddedW !== outW + kw - 1) {
    throw new Error(`Error in Conv2DBackpropFilter (Bonsai wasm kernel): padded input ${paddedH}×${paddedW} does not fit dy [${dy.shape}] and filter [${filterShape}].`);
  }
  const untouched = (win: Window, size: number) => win.begin === 0 && win.size === size && win.padBefore === 0 && win.padAfter === 0;
  const asIs = untouched(hWin, x.shape[1]) && untouched(wWin, x.shape[2]); // nothing cropped or padded
  const padded = asIs ? x : scope.adopt(heap.makeOutput([batch, paddedH, paddedW, c], 'float32'));
  if (!asIs) cropAndPad(heap.typedArrayFromHeap(x), x.shape, heap.typedArrayFromHeap(padded), hWin, wWin);
  const accLen = kh * rowLen * ov * 4;
  const acc = scope.adopt(heap.makeOutput([accLen], 'float32'));
  const out = scope.adopt(heap.makeOutput([...filterShape], 'float32'));
  // Addresses after every allocation (a growing heap moves nothing, but views must be fresh).
  heap.typedArrayFromHeap(acc).fill(0);
  const accBase = heap.typedArrayFromHeap(acc).byteOffset;
  const xBase = heap.typedArrayFromHeap(padded).byteOffset;
  const dyBase = heap.typedArrayFromHeap(dy).byteOffset;
  const xRowStep = paddedW * c * 4;
  const dyRowStep = outW * o * 4;
  for (let b = 0; b < batch; b++) {
    const dyImage = dyBase + b * outH * dyRowStep;
    for (let r = 0; r < kh; r++) {
      const xRow = xBase + (b * paddedH + r) * xRowStep;
      for (const { from, fn } of sweeps) {
        fn(xRow + from * 4, dyImage, outH, outW, xRowStep, dyRowStep, c * 4, o * 4, accBase + (r * rowLen + from) * ov * 16);
      }
    }
  }
  // acc [KH][KW·C][OV·4] → dW [KH][KW][C][O]: drop the padding lanes.
  const accValues = heap.typedArrayFromHeap(acc);
  const outValues = heap.typedArrayFromHeap(out);
  for (let row = 0, src = 0, dst = 0; row < kh * rowLen; row++, src += ov * 4, dst += o) {
    for (let k = 0; k < o; k++) outValues[dst + k] = accValues[src + k];
  }
  return out;
}
