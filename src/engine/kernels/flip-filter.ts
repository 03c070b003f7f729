/**
 * A convolution filter [KH,KW,C,O] flipped spatially with its channel axes swapped, [KH,KW,O,C]
 * (out[kh,kw,o,c] = W[KH−1−kh, KW−1−kw, c, o]), the filter of the input gradient. On a backend
 * whose tensors live in one heap (wasm), one JavaScript pass: TF.js 4.22's wasm Reverse costs
 * ~0.1–0.2 ms even for LeNet-5's 2,400-element conv2 filter. Elsewhere, Reverse then Transpose.
 */
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelScope } from './kernel-scope';
import type { HeapBackend } from './heap-wasm';

function isHeapBackend(backend: unknown): backend is HeapBackend {
  const b = backend as Partial<HeapBackend>;
  return typeof b.makeOutput === 'function' && typeof b.typedArrayFromHeap === 'function';
}

/** out[kh,kw,o,c] = w[KH−1−kh, KW−1−kw, c, o] on plain arrays (exported for the tests). */
export function flipSwap(w: Float32Array, out: Float32Array, [kh, kw, c, o]: number[]): void {
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const src = ((kh - 1 - i) * kw + (kw - 1 - j)) * c * o;
      const dst = (i * kw + j) * o * c;
      for (let co = 0; co < c; co++) {
        for (let oo = 0; oo < o; oo++) out[dst + oo * c + co] = w[src + co * o + oo];
      }
    }
  }
}

export function flippedSwappedFilter(scope: KernelScope, backend: unknown, filter: TensorInfo): TensorInfo {
  const [kh, kw, c, o] = filter.shape;
  if (filter.dtype === 'float32' && isHeapBackend(backend)) {
    const out = scope.adopt(backend.makeOutput([kh, kw, o, c], 'float32'));
    // Views after the allocation: a growing heap replaces its buffer.
    flipSwap(backend.typedArrayFromHeap(filter), backend.typedArrayFromHeap(out), filter.shape);
    return out;
  }
  return scope.transpose(scope.run('Reverse', { x: filter }, { dims: [0, 1] }), [0, 1, 3, 2]);
}
