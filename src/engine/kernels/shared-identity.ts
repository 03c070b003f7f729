/**
 * Identity, and Cast to the dtype a tensor already has, on wasm without a copy: the result shares
 * the input's buffer (one more reference on its dataId), as TF.js's CPU backend and the wasm
 * backend's own Reshape already do. TF.js 4.22's wasm kernels copy the whole buffer, and the engine
 * calls Identity for every kernel output it saves for the backward pass: a LeNet-5 training step at
 * batch 64 copied three [64,28,28,6] activations (and Cast copied each gradient that passes a
 * saved tensor). Tensors are immutable and the wasm backend frees a buffer when its last reference
 * goes, so sharing is safe. A Cast that changes the dtype goes to TF.js's kernel.
 */
import type { DataId, KernelBackend, KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';

export const IDENTITY = 'Identity';
export const CAST = 'Cast';

function shared(backend: KernelBackend, x: TensorInfo): TensorInfo {
  (backend as unknown as { incRef(dataId: DataId): void }).incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
}

export function sharedIdentityKernel(backendName: string, original: KernelConfig): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: { inputs: Record<string, TensorInfo>; backend: unknown; attrs?: unknown }) => {
    const { x } = inputs as { x: TensorInfo };
    // Strings live outside the heap; TF.js's kernel handles them.
    if (x.dtype === 'string') return original.kernelFunc({ inputs, backend: backend as KernelBackend, attrs: attrs as NamedAttrMap });
    return shared(backend as KernelBackend, x);
  };
  return { kernelName: IDENTITY, backendName, kernelFunc: kernelFunc as KernelFunc, setupFunc: original.setupFunc, disposeFunc: original.disposeFunc };
}

export function sameDtypeCastKernel(backendName: string, original: KernelConfig): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: { inputs: Record<string, TensorInfo>; backend: unknown; attrs?: unknown }) => {
    const { x } = inputs as { x: TensorInfo };
    const { dtype } = attrs as { dtype: string };
    if (dtype !== x.dtype || x.dtype === 'string') {
      return original.kernelFunc({ inputs, backend: backend as KernelBackend, attrs: attrs as NamedAttrMap });
    }
    return shared(backend as KernelBackend, x);
  };
  return { kernelName: CAST, backendName, kernelFunc: kernelFunc as KernelFunc, setupFunc: original.setupFunc, disposeFunc: original.disposeFunc };
}
