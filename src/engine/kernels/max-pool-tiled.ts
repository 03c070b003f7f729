/**
 * MaxPool on wasm for windows that tile x exactly (2×2, stride 2, no padding: LeNet-style
 * pooling) as a SIMD128 pass in TF.js's wasm heap (heap-wasm.ts), replacing TF.js's kernel for
 * that case. Each output is the CPU backend's maximum: strict > from −∞ over the window in
 * row-major order, so NaN never wins (a window of NaN / −∞ gives −∞) and of equal values the
 * first is kept (−0 before +0 gives −0). TF.js 4.22's wasm kernel (XNNPACK) lets NaN through;
 * it also took ~0.2 ms for LeNet-5's pool1 ([64,28,28,6]), this ~0.05 ms. Channels go in groups
 * of 4, 2 and 1 floats (max-pool-grad-wasm.ts), so nothing outside x and the output is touched.
 * Every other case goes to TF.js's kernel.
 */
import { backend_util, type KernelBackend, type KernelConfig, type KernelFunc, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';
import { addTo, countDownLoop, get, heapFunction, heapMemory, I32, i32Const, memarg, moduleBytes, set, uleb, V128, type HeapBackend } from './heap-wasm';
import { tiles2x2 } from './max-pool-grad';
import { channelGroups } from './max-pool-grad-wasm';
import type { PoolAttrs } from './max-pool-grad';

export const MAX_POOL = 'MaxPool';

/** (x, out, row pairs, windows per row, x row bytes) → (), byte addresses. */
export type TiledMaxPoolFn = (x: number, out: number, rowPairs: number, outWidth: number, rowBytes: number) => void;

const simd = (op: number) => [0xfd, ...uleb(op)];
const I32_ADD = 0x6a;

export function tiledMaxPoolModuleBytes(channels: number): Uint8Array<ArrayBuffer> {
  if (!(Number.isInteger(channels) && channels >= 1 && channels <= 256)) throw new RangeError(`max pool: 1…256 channels expected, got ${channels}`);
  const [X, OUT, PAIRS, OW, ROW] = [0, 1, 2, 3, 4];
  const [YC, X2] = [5, 6]; // i32
  const [NEG, V, BEST] = [7, 8, 9]; // v128
  const c4 = channels * 4;
  const addConst = (i: number, n: number) => [...get(i), ...i32Const(n), I32_ADD, ...set(i)];
  const body: number[] = [...simd(0x0c), ...new Uint8Array(new Float32Array([-Infinity, -Infinity, -Infinity, -Infinity]).buffer), ...set(NEG)];
  body.push(0x03, 0x40); // loop over row pairs
  body.push(...get(OW), ...set(YC));
  body.push(0x03, 0x40); // loop over windows
  body.push(...get(X), ...get(ROW), I32_ADD, ...set(X2));
  for (const g of channelGroups(channels)) {
    body.push(...get(NEG), ...set(BEST));
    for (const [base, offset] of [[X, g.offset], [X, g.offset + c4], [X2, g.offset], [X2, g.offset + c4]]) {
      // best = v > best ? v : best, lane by lane
      body.push(...get(base), ...g.load, ...memarg(offset), ...set(V));
      body.push(...get(V), ...get(BEST), ...get(V), ...get(BEST), ...simd(0x44), ...simd(0x52), ...set(BEST)); // f32x4.gt, bitselect
    }
    body.push(...get(OUT), ...get(BEST), ...g.store(g.offset));
  }
  body.push(...addConst(X, 2 * c4), ...addConst(OUT, c4), ...countDownLoop(YC));
  body.push(0x0b); // end windows: x at the pair's second row
  body.push(...addTo(X, ROW), ...countDownLoop(PAIRS));
  body.push(0x0b, 0x0b); // end row pairs, end function
  return moduleBytes('pool', 5, [
    [2, I32],
    [3, V128],
  ], body);
}

/** `original` is TF.js's MaxPool for this backend, which takes every case but exact 2×2 tiling. */
export function tiledMaxPoolKernel(backendName: string, original: KernelConfig): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: { inputs: Record<string, TensorInfo>; backend: unknown; attrs?: unknown }) => {
    const { x } = inputs as { x: TensorInfo };
    const a = attrs as PoolAttrs;
    const info = x.dtype === 'float32' && x.shape.length === 4 ? backend_util.computePool2DInfo(x.shape as [number, number, number, number], a.filterSize, a.strides, 1, a.pad, a.dimRoundingMode) : null;
    const memory = info !== null && tiles2x2(info) ? heapMemory(backend) : null;
    const pool = memory === null || info === null ? null : heapFunction<TiledMaxPoolFn>(memory, `max-pool 2x2 ${info.inChannels}`, 'pool', () => tiledMaxPoolModuleBytes(info.inChannels));
    if (pool === null || info === null) return original.kernelFunc({ inputs, backend: backend as KernelBackend, attrs: attrs as NamedAttrMap });
    const heap = backend as HeapBackend;
    const out = heap.makeOutput([info.batchSize, info.outHeight, info.outWidth, info.inChannels], 'float32');
    // Addresses after the allocation.
    pool(heap.typedArrayFromHeap(x).byteOffset, heap.typedArrayFromHeap(out).byteOffset, info.batchSize * info.outHeight, info.outWidth, info.inWidth * info.inChannels * 4);
    return out;
  };
  return { kernelName: MAX_POOL, backendName, kernelFunc: kernelFunc as KernelFunc, setupFunc: original.setupFunc, disposeFunc: original.disposeFunc };
}
