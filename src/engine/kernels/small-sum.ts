/**
 * Sum of a small float32 tensor (≤ 1,024 elements) over any axes on wasm, in JavaScript. TF.js
 * 4.22's wasm Sum transposes the reduced axes to the end and reduces in two kernel calls, ~40 µs
 * whatever the size: a LeNet-5 training step sums tiny tensors five times (the loss over classes
 * and over the batch). Each input element is added to its output element in the input's
 * row-major order, in doubles, as the CPU backend's Sum does (after its transpose, the same order
 * per output element). Larger tensors and other dtypes go to the kernel this one wraps.
 */
import { backend_util, util, type KernelBackend, type KernelConfig, type KernelFunc, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';
import { SUM } from './leading-axes-sum';

export const SMALL_SUM = 1024;

interface HeapBackend {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array;
}

/** Sums x (shape `shape`) over `axes` into out (the kept axes in order). */
export function sumAxes(x: Float32Array, shape: number[], axes: number[], out: Float32Array): void {
  const rank = shape.length;
  const reduced = new Array<boolean>(rank).fill(false);
  for (const a of axes) reduced[a] = true;
  // Output stride of each input axis (0 for a reduced axis).
  const outStride = new Array<number>(rank).fill(0);
  for (let d = rank - 1, s = 1; d >= 0; d--) {
    if (!reduced[d]) {
      outStride[d] = s;
      s *= shape[d];
    }
  }
  const acc = new Float64Array(out.length);
  const index = new Array<number>(rank).fill(0);
  let o = 0;
  for (let i = 0; i < x.length; i++) {
    acc[o] += x[i];
    // Advance the input index (row-major) and the output offset with it.
    for (let d = rank - 1; d >= 0; d--) {
      index[d]++;
      o += outStride[d];
      if (index[d] < shape[d]) break;
      o -= outStride[d] * shape[d];
      index[d] = 0;
    }
  }
  out.set(acc);
}

export function smallSumKernel(backendName: string, inner: KernelConfig): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: { inputs: Record<string, TensorInfo>; backend: unknown; attrs?: unknown }) => {
    const { x } = inputs as { x: TensorInfo };
    const { axis, keepDims } = attrs as { axis: number | number[]; keepDims: boolean };
    const size = util.sizeFromShape(x.shape);
    if (x.dtype !== 'float32' || size === 0 || size > SMALL_SUM) {
      return inner.kernelFunc({ inputs, backend: backend as KernelBackend, attrs: attrs as NamedAttrMap });
    }
    const axes = [...new Set(util.parseAxisParam(axis, x.shape))];
    const [outShape] = backend_util.computeOutAndReduceShapes(x.shape, axes);
    const heap = backend as HeapBackend;
    const out = heap.makeOutput(keepDims ? backend_util.expandShapeToKeepDim(outShape, axes) : outShape, 'float32');
    // Views after the allocation: a growing heap replaces its buffer.
    sumAxes(heap.typedArrayFromHeap(x), [...x.shape], axes, heap.typedArrayFromHeap(out));
    return out;
  };
  return { kernelName: SUM, backendName, kernelFunc: kernelFunc as KernelFunc, setupFunc: inner.setupFunc, disposeFunc: inner.disposeFunc };
}
