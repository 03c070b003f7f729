/**
 * Add, Sub, Multiply and RealDiv of small float32 tensors on wasm, in JavaScript over the heap.
 * TF.js 4.22's wasm kernels go through XNNPACK, whose per-call set-up costs ~10–30 µs whatever
 * the size: a LeNet-5 training step at batch 64 makes ~100 such calls on tensors of ≤ 1,024
 * elements (Adam's updates of biases and moments, the loss), ~2 ms in all, for a few thousand
 * flops. Taken here: both operands float32, the result at most SMALL elements, and the operands of
 * one shape or one of them a single element. A float32 +, −, × or ÷ computed in doubles and
 * rounded to float32 is the float32 result (IEEE, NaN and ±∞ included), so it is bit-identical.
 * Everything else goes to TF.js's kernel.
 */
import { backend_util, util, type KernelBackend, type KernelConfig, type KernelFunc, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';

/** Above this many result elements XNNPACK's speed outweighs its set-up. */
export const SMALL = 8192;

export type BinaryOp = 'Add' | 'Sub' | 'Multiply' | 'RealDiv';

interface HeapBackend {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array;
}

/**
 * out[i] = a[i] ∘ b[i], where an operand of length 1 is used for every i. A loop per op, so each
 * stays monomorphic.
 */
export function applyBinary(op: BinaryOp, a: Float32Array, b: Float32Array, out: Float32Array): void {
  const n = out.length;
  const sa = a.length === 1 ? 0 : 1;
  const sb = b.length === 1 ? 0 : 1;
  switch (op) {
    case 'Add':
      for (let i = 0; i < n; i++) out[i] = a[i * sa] + b[i * sb];
      return;
    case 'Sub':
      for (let i = 0; i < n; i++) out[i] = a[i * sa] - b[i * sb];
      return;
    case 'Multiply':
      for (let i = 0; i < n; i++) out[i] = a[i * sa] * b[i * sb];
      return;
    case 'RealDiv':
      for (let i = 0; i < n; i++) out[i] = a[i * sa] / b[i * sb];
      return;
  }
}

/** The result shape when this kernel takes the call, else null. */
export function smallBinaryShape(a: TensorInfo, b: TensorInfo): number[] | null {
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return null;
  const [na, nb] = [util.sizeFromShape(a.shape), util.sizeFromShape(b.shape)];
  if (na !== nb && na !== 1 && nb !== 1) return null;
  if (na === nb && !util.arraysEqual(a.shape, b.shape) && na !== 1) return null;
  const shape = backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
  const n = util.sizeFromShape(shape);
  return n > 0 && n <= SMALL ? shape : null;
}

export function smallBinaryKernel(op: BinaryOp, backendName: string, original: KernelConfig): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: { inputs: Record<string, TensorInfo>; backend: unknown; attrs?: unknown }) => {
    const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
    const shape = smallBinaryShape(a, b);
    if (shape === null) return original.kernelFunc({ inputs, backend: backend as KernelBackend, attrs: attrs as NamedAttrMap });
    const heap = backend as HeapBackend;
    const out = heap.makeOutput(shape, 'float32');
    // Views after the allocation: a growing heap replaces its buffer.
    applyBinary(op, heap.typedArrayFromHeap(a), heap.typedArrayFromHeap(b), heap.typedArrayFromHeap(out));
    return out;
  };
  return { kernelName: op, backendName, kernelFunc: kernelFunc as KernelFunc, setupFunc: original.setupFunc, disposeFunc: original.disposeFunc };
}
