/**
 * BatchMatMul with transposeA / transposeB on wasm, as an explicit Transpose followed by TF.js's own
 * BatchMatMul without transposes. TF.js 4.22's wasm kernel takes a slow path for transposed operands:
 * a dense layer's gradients (xᵀ·dy and dy·Wᵀ, LeNet-5 fc1 at batch 64) ran at ~1.7–1.9 GFLOP/s
 * against ~25 for the same product untransposed, and transposing first made them 3–5× faster.
 * The untransposed case goes straight to TF.js's kernel.
 *
 * XNNPACK packs the right operand on every call (~3 ns per element; a weight gradient's operand is
 * new every step). For a·bᵀ with a large b — a dense layer's input gradient dy·Wᵀ, b = W — the
 * product is computed transposed, (b·aᵀ)ᵀ: b is used as it is, only aᵀ is packed, and the result
 * is transposed back; cheaper when N·K > M·K + M·N (LeNet-5 fc1 at batch 64: ~0.40 → ~0.32 ms).
 */
import type { KernelBackend, KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { withKernelScope } from './kernel-scope';

export const BATCH_MAT_MUL = 'BatchMatMul';

/** Swaps the last two axes. */
function lastTwoSwapped(rank: number): number[] {
  const perm = [...Array(rank).keys()];
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
  return perm;
}

/**
 * True for a·bᵀ of two matrices (leading axes of size 1 allowed) where packing b costs more than
 * transposing a and the result.
 */
export function swapPays(aShape: number[], bShape: number[], transposeA = false, transposeB = false): boolean {
  const matrix = (s: number[]) => s.length >= 2 && s.slice(0, -2).every((d) => d === 1);
  if (transposeA || !transposeB || !matrix(aShape) || !matrix(bShape)) return false;
  const [m, k] = aShape.slice(-2);
  const n = bShape[bShape.length - 2];
  return n * k > m * k + m * n;
}

/** `original` is TF.js's BatchMatMul kernel for this backend, which does the multiply. */
export function batchMatMulTransposedKernel(backendName: string, original: KernelConfig): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: { inputs: Record<string, TensorInfo>; backend: unknown; attrs?: unknown }) => {
    const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA, transposeB } = (attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean };
    const plain = { ...(attrs as object), transposeA: false, transposeB: false } as unknown as NamedAttrMap;
    if (!transposeA && !transposeB) return original.kernelFunc({ inputs, backend: backend as KernelBackend, attrs: plain });
    return withKernelScope(backend as KernelBackend, backendName, (scope) => {
      if (swapPays(a.shape, b.shape, transposeA, transposeB)) {
        // (b·aᵀ)ᵀ: b [N,K] is already the left operand, aᵀ [K,M] is the packed one.
        const aT = scope.transpose(a, lastTwoSwapped(a.shape.length));
        const cT = scope.adopt(original.kernelFunc({ inputs: { a: b, b: aT }, backend: backend as KernelBackend, attrs: plain }) as TensorInfo);
        return scope.transpose(cT, lastTwoSwapped(cT.shape.length));
      }
      const a2 = transposeA ? scope.transpose(a, lastTwoSwapped(a.shape.length)) : a;
      const b2 = transposeB ? scope.transpose(b, lastTwoSwapped(b.shape.length)) : b;
      const out = original.kernelFunc({ inputs: { a: a2, b: b2 }, backend: backend as KernelBackend, attrs: plain }) as TensorInfo;
      return scope.adopt(out);
    });
  };
  // The original's setup binds its wasm function when the backend starts: keep it with the wrapper,
  // so registering before the backend initialises works too.
  return { kernelName: BATCH_MAT_MUL, backendName, kernelFunc: kernelFunc as KernelFunc, setupFunc: original.setupFunc, disposeFunc: original.disposeFunc };
}
