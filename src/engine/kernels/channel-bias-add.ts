/**
 * Add of a per-channel bias on wasm — x [..., C] + b [C] (or b [1, …, 1, C], either operand
 * order), float32 — without broadcasting. That is every convolution's bias in training (the
 * engine does not fuse it while recording gradients). TF.js 4.22's wasm Add broadcasts through
 * XNNPACK row by row, slow for few channels (up to 32 are taken here): ~0.6 ms for LeNet-5 conv1's
 * [64,28,28,6] + [6] against ~0.06 ms for an Add without broadcasting. So the bias is tiled to x's shape (a doubling memcpy)
 * and TF.js's kernel adds the two without broadcasting: the same float32 additions, bit-identical.
 * Where the wasm heap can be run in directly, one SIMD pass adds the bias instead
 * (channel-bias-add-wasm.ts; conv1's Add ~0.3 → ~0.1 ms), the same additions again.
 * Every other Add goes straight to TF.js's kernel.
 */
import { util, type KernelBackend, type KernelConfig, type KernelFunc, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';
import { biasAddFunction, patternLength } from './channel-bias-add-wasm';
import { heapMemory, type HeapBackend } from './heap-wasm';
import { withKernelScope } from './kernel-scope';

export const ADD = 'Add';
/** Up to this many channels (XNNPACK is fast for wide rows: [64,120] + [120] takes ~15 µs). */
const NARROW = 32;

/** True when `bias` broadcasts along the last axis of `x` only — [C] or [1, …, 1, C], rank ≤ x's — and C ≤ NARROW. */
export function isChannelBias(x: number[], bias: number[]): boolean {
  if (x.length < 2 || bias.length === 0 || bias.length > x.length) return false;
  const c = x[x.length - 1];
  if (c > NARROW || bias[bias.length - 1] !== c || util.sizeFromShape(bias) !== c) return false;
  return util.sizeFromShape(x) > c;
}

/** Fills `out` with copies of `bias` end to end, doubling the filled prefix (memcpy speed). */
export function tileInto(bias: Float32Array, out: Float32Array): void {
  out.set(bias);
  for (let filled = bias.length; filled < out.length; filled *= 2) out.copyWithin(filled, 0, Math.min(filled, out.length - filled));
}

/** x + bias by the wasm function, chunk by chunk of lcm(C, 4) floats; the rest in JavaScript. */
function addInHeap(heap: HeapBackend, add: (x: number, pattern: number, out: number, chunks: number) => void, x: TensorInfo, bias: TensorInfo, backend: KernelBackend, backendName: string): TensorInfo {
  const c = bias.shape[bias.shape.length - 1];
  const period = patternLength(c);
  return withKernelScope(backend, backendName, (scope) => {
    const pattern = scope.adopt(heap.makeOutput([period], 'float32'));
    const out = scope.adopt(heap.makeOutput([...x.shape], 'float32'));
    // Views after the allocations.
    const b = heap.typedArrayFromHeap(bias);
    tileInto(b, heap.typedArrayFromHeap(pattern));
    const n = util.sizeFromShape(x.shape);
    const chunks = Math.floor(n / period);
    if (chunks > 0) add(heap.typedArrayFromHeap(x).byteOffset, heap.typedArrayFromHeap(pattern).byteOffset, heap.typedArrayFromHeap(out).byteOffset, chunks);
    const xs = heap.typedArrayFromHeap(x);
    const outs = heap.typedArrayFromHeap(out);
    for (let i = chunks * period; i < n; i++) outs[i] = xs[i] + b[i % c];
    return out;
  });
}

export function channelBiasAddKernel(backendName: string, original: KernelConfig): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: { inputs: Record<string, TensorInfo>; backend: unknown; attrs?: unknown }) => {
    const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
    const float = a.dtype === 'float32' && b.dtype === 'float32';
    const [x, bias] = float && isChannelBias(a.shape, b.shape) ? [a, b] : float && isChannelBias(b.shape, a.shape) ? [b, a] : [];
    if (x === undefined || bias === undefined) {
      return original.kernelFunc({ inputs, backend: backend as KernelBackend, attrs: attrs as NamedAttrMap });
    }
    const heap = backend as HeapBackend;
    const memory = heapMemory(backend);
    const add = memory === null ? null : biasAddFunction(memory, bias.shape[bias.shape.length - 1]);
    if (add !== null) return addInHeap(heap, add, x, bias, backend as KernelBackend, backendName);
    return withKernelScope(backend as KernelBackend, backendName, (scope) => {
      const tiled = scope.adopt(heap.makeOutput([...x.shape], 'float32'));
      // Views after the allocation: a growing heap replaces its buffer.
      tileInto(heap.typedArrayFromHeap(bias), heap.typedArrayFromHeap(tiled));
      // Same shapes now: TF.js's kernel adds without broadcasting, in the operands' order.
      const pair = x === a ? { a: x, b: tiled } : { a: tiled, b: x };
      return scope.adopt(original.kernelFunc({ inputs: pair, backend: backend as KernelBackend, attrs: attrs as NamedAttrMap }) as TensorInfo);
    });
  };
  return { kernelName: ADD, backendName, kernelFunc: kernelFunc as KernelFunc, setupFunc: original.setupFunc, disposeFunc: original.disposeFunc };
}
