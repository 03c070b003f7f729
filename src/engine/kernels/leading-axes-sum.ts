/**
 * Sum over the leading axes of a float32 tensor on wasm, as one pass over the heap. That is every
 * bias gradient (dy [B,H,W,C] summed over B, H, W; dy [B,N] over B). TF.js 4.22's wasm Sum first
 * transposes the reduced axes to the end — a full copy of the tensor — then reduces: ~0.4 ms for
 * LeNet-5 conv1's [64,28,28,6] at batch 64. Here each row is added into per-column accumulators in
 * row order, in doubles, as the CPU backend's Sum does; up to 24 columns (convolution biases) by a
 * SIMD pass in the wasm heap when it can run there (leading-axes-sum-wasm.ts: the same additions,
 * conv1's ~0.3 → ~0.1 ms). Other reductions go to TF.js's kernel.
 */
import { util, type KernelBackend, type KernelConfig, type KernelFunc, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';
import { heapMemory, type HeapBackend } from './heap-wasm';
import { withKernelScope } from './kernel-scope';
import { columnSumFunction } from './leading-axes-sum-wasm';

export const SUM = 'Sum';
/** Up to this many kept elements, a strided pass per column beats per-row accumulation. */
const NARROW = 32;
/** From this many elements the wasm pass pays for its set-up (~15 µs: [64,10] took 2 µs in JavaScript). */
const WASM_FROM = 8192;

/** How many leading axes `axis` names, if it names exactly axes 0..k−1 with 0 < k < rank; else 0. */
export function leadingAxesCount(axis: number | number[] | undefined, rank: number): number {
  if (axis === undefined || rank < 2) return 0;
  const axes = [...new Set(util.parseAxisParam(axis, new Array(rank).fill(1)))].sort((a, b) => a - b);
  if (axes.length === 0 || axes.length >= rank) return 0;
  return axes.every((a, i) => a === i) ? axes.length : 0;
}

/** out[j] = Σ_r x[r·inner + j], rows in order, accumulated in doubles. */
export function sumRows(x: Float32Array, out: Float32Array, inner: number): void {
  const n = x.length;
  if (inner <= NARROW) {
    // Few columns (a convolution's channels): one strided pass per column, the sum in a local.
    for (let j = 0; j < inner; j++) {
      let s = 0;
      for (let p = j; p < n; p += inner) s += x[p];
      out[j] = s;
    }
    return;
  }
  const acc = new Float64Array(inner);
  for (let p = 0; p < n; ) {
    for (let j = 0; j < inner; j++, p++) acc[j] += x[p];
  }
  out.set(acc);
}

export function leadingAxesSumKernel(backendName: string, original: KernelConfig): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: { inputs: Record<string, TensorInfo>; backend: unknown; attrs?: unknown }) => {
    const { x } = inputs as { x: TensorInfo };
    const { axis, keepDims } = attrs as { axis: number | number[]; keepDims: boolean };
    const k = x.dtype === 'float32' ? leadingAxesCount(axis, x.shape.length) : 0;
    if (k === 0 || util.sizeFromShape(x.shape) === 0) {
      return original.kernelFunc({ inputs, backend: backend as KernelBackend, attrs: attrs as NamedAttrMap });
    }
    const kept = x.shape.slice(k);
    const heap = backend as HeapBackend;
    const outShape = keepDims ? [...new Array(k).fill(1), ...kept] : kept;
    const inner = util.sizeFromShape(kept);
    const memory = heapMemory(backend);
    const columnSum = memory === null || util.sizeFromShape(x.shape) < WASM_FROM ? null : columnSumFunction(memory, inner);
    if (columnSum !== null) {
      return withKernelScope(backend as KernelBackend, backendName, (scope) => {
        const sums = scope.adopt(heap.makeOutput([2 * inner], 'float32')); // room for `inner` doubles
        const out = scope.adopt(heap.makeOutput(outShape, 'float32'));
        const start = heap.typedArrayFromHeap(sums).byteOffset;
        columnSum(heap.typedArrayFromHeap(x).byteOffset, util.sizeFromShape(x.shape) / inner, inner * 4, start);
        heap.typedArrayFromHeap(out).set(new Float64Array(heap.typedArrayFromHeap(sums).buffer, start, inner));
        return out;
      });
    }
    const out = heap.makeOutput(outShape, 'float32');
    // Views after the allocation: a growing heap replaces its buffer.
    sumRows(heap.typedArrayFromHeap(x), heap.typedArrayFromHeap(out), util.sizeFromShape(kept));
    return out;
  };
  return { kernelName: SUM, backendName, kernelFunc: kernelFunc as KernelFunc, setupFunc: original.setupFunc, disposeFunc: original.disposeFunc };
}
