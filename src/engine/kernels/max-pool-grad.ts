/**
 * MaxPoolGrad for wasm as one pass over the wasm heap, replacing TF.js 4.22's kernel. Two reasons:
 *
 * - Speed: TF.js's is a generic 3-D pooling loop that allocates a position buffer per call and
 *   scans every dx element against every window; LeNet-5's pool1 gradient at batch 64
 *   ([64,28,28,6]) took ~6 ms, the largest kernel of a training step.
 * - Semantics: it starts its running maximum at FLT_MIN (the smallest positive float), so a window
 *   whose values are all ≤ 0 sends its gradient to flat offset 0 instead of the window's maximum.
 *
 * This one follows the CPU backend (and TensorFlow): each window's gradient goes to its FIRST
 * maximum in row-major window order (strict >, starting at −∞; a window of NaN / −∞ only passes
 * nothing), and overlapping windows add up. JavaScript over Float32Array views of the heap, no
 * intermediate tensors; windows that tile x exactly (2×2, stride 2) go to a SIMD128 wasm
 * function in the same heap instead (max-pool-grad-wasm.ts: ~1.5 → ~0.09 ms for LeNet-5's pool1).
 */
import { backend_util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { heapMemory, type HeapBackend } from './heap-wasm';
import { tiledMaxPoolGradFunction } from './max-pool-grad-wasm';

export const MAX_POOL_GRAD = 'MaxPoolGrad';

/** MaxPool's attributes (shared by MaxPool and MaxPoolGrad). */
export interface PoolAttrs {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/**
 * True when the windows tile x exactly — 2×2, stride 2, no padding, 2·out = in on both axes
 * (LeNet-style pooling): every x element is in exactly one window.
 */
export function tiles2x2(info: backend_util.Conv2DInfo): boolean {
  return (
    info.effectiveFilterHeight === 2 &&
    info.effectiveFilterWidth === 2 &&
    info.strideHeight === 2 &&
    info.strideWidth === 2 &&
    info.padInfo.top === 0 &&
    info.padInfo.left === 0 &&
    info.inHeight === 2 * info.outHeight &&
    info.inWidth === 2 * info.outWidth &&
    info.batchSize * info.outHeight * info.outWidth * info.inChannels > 0
  );
}

/**
 * dx += the scatter of dy onto each window's first maximum of x (all NHWC, dx zero on entry).
 * Exported for the tests; `info` is TF.js's pooling geometry.
 */
export function scatterMaxPoolGrad(x: Float32Array, dy: Float32Array, dx: Float32Array, info: backend_util.Conv2DInfo): void {
  const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth, strideHeight, strideWidth } = info;
  const fh = info.effectiveFilterHeight;
  const fw = info.effectiveFilterWidth;
  const rowStride = inWidth * c;
  let o = 0; // flat index of dy[b, yr, yc, 0]
  for (let b = 0; b < batchSize; b++) {
    const batchBase = b * inHeight * rowStride;
    for (let yr = 0; yr < outHeight; yr++) {
      const r0 = yr * strideHeight - info.padInfo.top;
      const rBegin = Math.max(0, r0);
      const rEnd = Math.min(inHeight, r0 + fh);
      for (let yc = 0; yc < outWidth; yc++, o += c) {
        const c0 = yc * strideWidth - info.padInfo.left;
        const cBegin = Math.max(0, c0);
        const cEnd = Math.min(inWidth, c0 + fw);
        const corner = batchBase + rBegin * rowStride + cBegin * c;
        if (rEnd - rBegin === 2 && cEnd - cBegin === 2) {
          // A whole 2×2 window (LeNet-style pooling), unrolled: same order, same strict >.
          for (let d = 0; d < c; d++) {
            const p0 = corner + d;
            let best = -Infinity;
            let where = -1;
            let v = x[p0];
            if (v > best) {
              best = v;
              where = p0;
            }
            v = x[p0 + c];
            if (v > best) {
              best = v;
              where = p0 + c;
            }
            v = x[p0 + rowStride];
            if (v > best) {
              best = v;
              where = p0 + rowStride;
            }
            v = x[p0 + rowStride + c];
            if (v > best) where = p0 + rowStride + c;
            if (where >= 0) dx[where] += dy[o + d];
          }
          continue;
        }
        // Per channel, the window in row-major order; best and where stay in locals.
        for (let d = 0; d < c; d++) {
          let best = -Infinity;
          let where = -1;
          for (let r = rBegin, rowStart = corner + d; r < rEnd; r++, rowStart += rowStride) {
            for (let col = cBegin, p = rowStart; col < cEnd; col++, p += c) {
              const v = x[p];
              if (v > best) {
                best = v;
                where = p;
              }
            }
          }
          if (where >= 0) dx[where] += dy[o + d];
        }
      }
    }
  }
}

export function maxPoolGradKernel(backendName: string): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: { inputs: Record<string, TensorInfo>; backend: unknown; attrs?: unknown }) => {
    const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
    const a = attrs as PoolAttrs;
    if (input.dtype !== 'float32' || dy.dtype !== 'float32') {
      throw new Error(`Error in ${MAX_POOL_GRAD} (Bonsai wasm kernel): float32 tensors expected, got ${input.dtype} and ${dy.dtype}.`);
    }
    const info = backend_util.computePool2DInfo(input.shape as [number, number, number, number], a.filterSize, a.strides, 1, a.pad, a.dimRoundingMode);
    const heap = backend as HeapBackend;
    // Allocate first: a heap that grows replaces its buffer, so views are taken after.
    const dx = heap.makeOutput([...input.shape], 'float32');
    const dxValues = heap.typedArrayFromHeap(dx);
    const memory = tiles2x2(info) ? heapMemory(backend) : null;
    const tiled = memory === null ? null : tiledMaxPoolGradFunction(memory, info.inChannels);
    if (tiled !== null) {
      const c = info.inChannels;
      const address = (t: TensorInfo) => heap.typedArrayFromHeap(t).byteOffset;
      tiled(address(input), address(dy), address(dx), info.batchSize * info.outHeight, info.outWidth, c, c * 4, info.inWidth * c * 4);
      return dx;
    }
    dxValues.fill(0);
    scatterMaxPoolGrad(heap.typedArrayFromHeap(input), heap.typedArrayFromHeap(dy), dxValues, info);
    return dx;
  };
  return { kernelName: MAX_POOL_GRAD, backendName, kernelFunc: kernelFunc as KernelFunc };
}
