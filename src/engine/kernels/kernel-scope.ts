/**
 * Calls a backend's own kernels from inside another kernel, below the engine: no engine tensors,
 * no tape, no tidy scope. Every intermediate TensorInfo is owned by the scope and freed by
 * `dispose()` (in a `finally`, so a failed kernel frees them too); the one result handed back to
 * the engine is released from the scope with `keep()`.
 */
import { getKernel, type KernelBackend, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';

type Inputs = Record<string, TensorInfo>;

export class KernelScope {
  private readonly owned = new Set<TensorInfo>();

  constructor(
    private readonly backend: KernelBackend,
    private readonly backendName: string,
  ) {}

  /** Runs kernel `kernelName` of this backend; the scope owns the output. */
  run(kernelName: string, inputs: Inputs, attrs: object = {}): TensorInfo {
    const kernel = getKernel(kernelName, this.backendName);
    if (kernel === undefined) {
      throw new Error(`Bonsai kernel composition: the ${this.backendName} backend has no ${kernelName} kernel.`);
    }
    const out = kernel.kernelFunc({ inputs, backend: this.backend, attrs: attrs as NamedAttrMap });
    if (Array.isArray(out)) {
      for (const t of out) this.owned.add(t);
      throw new Error(`Bonsai kernel composition: ${kernelName} returned several outputs; one was expected.`);
    }
    this.owned.add(out);
    return out;
  }

  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    return this.run('Transpose', { x }, { perm });
  }

  /** A float32 tensor of zeros. */
  zeros(shape: number[]): TensorInfo {
    return this.run('Fill', {}, { shape, value: 0, dtype: 'float32' });
  }

  /** Takes ownership of a tensor another kernel made (freed with the scope unless kept). */
  adopt(t: TensorInfo): TensorInfo {
    this.owned.add(t);
    return t;
  }

  /** Hands `t` to the caller: the scope will not free it. */
  keep(t: TensorInfo): TensorInfo {
    this.owned.delete(t);
    return t;
  }

  dispose(): void {
    for (const t of this.owned) this.backend.disposeData(t.dataId);
    this.owned.clear();
  }
}

/** Runs `body` in a fresh scope and returns its result, freeing everything else. */
export function withKernelScope(
  backend: KernelBackend,
  backendName: string,
  body: (scope: KernelScope) => TensorInfo,
): TensorInfo {
  const scope = new KernelScope(backend, backendName);
  try {
    return scope.keep(body(scope));
  } finally {
    scope.dispose();
  }
}
