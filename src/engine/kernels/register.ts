/**
 * TF.js 4.22's wasm backend cannot train CNNs: it has no Conv2DBackpropFilter,
 * DepthwiseConv2dNativeBackpropFilter or DepthwiseConv2dNativeBackpropInput. Bonsai registers its
 * own, composed from forward kernels the wasm backend has. Only missing names are registered, so a
 * future TF.js that ships its own kernels keeps them. Conv2DBackpropFilter at stride 1 with few
 * channels (both LeNet-5 convolutions) is instead a SIMD128 sweep of outer products run in the
 * backend's own heap (filter-grad-simd.ts; ~2.4 → ~0.8 ms for conv1, ~1.8 → ~1.0 ms for conv2).
 *
 * Kernels TF.js does have are replaced where they are slow (LeNet-5 at batch 64, per training step):
 * - Conv2DBackpropInput is a scalar loop ~5× slower than the forward convolution; Bonsai's, one
 *   XNNPACK convolution, computes the same gradient (the property sweep in conv-gradients.test.ts);
 *   for a 'valid' stride-1 convolution, one BatchMatMul and a SIMD col2im in the heap, which
 *   multiply no padding (input-grad-col2im.ts; LeNet-5 conv2 ~2.4 → ~1.3 ms).
 * - BatchMatMul is ~13× slower with a transposed operand (every dense gradient): Bonsai's
 *   transposes first and calls TF.js's kernel untransposed (or computes a·bᵀ as (b·aᵀ)ᵀ).
 * - MaxPoolGrad is a generic loop (~6 ms for pool1) that also misroutes the gradient of windows
 *   with no positive value: Bonsai's is one JavaScript pass with the CPU backend's first-max rule,
 *   and for windows that tile x (2×2, stride 2) a branch-free wasm function in the backend's heap
 *   (max-pool-grad-wasm.ts, SIMD128; pool1 ~1.5 → ~0.09 ms).
 * - Conv2D with one input channel (LeNet-5 conv1, stride 1): XNNPACK ran it at ~8–13 GFLOP/s;
 *   Bonsai's is a SIMD pass in the heap, 16 pixels × 2 output channels of splatted-weight multiply-
 *   adds per tap (conv-single-channel.ts; conv1 ~1.17 → ~0.44 ms). A filter with a non-finite weight
 *   and padding, and every other convolution, goes to TF.js's kernel.
 * - MaxPool of exactly tiling 2×2 windows: XNNPACK lets NaN win and took ~0.2 ms for pool1;
 *   Bonsai's is a SIMD pass in the heap with the CPU backend's strict-> maximum (max-pool-tiled.ts).
 * - Identity (run on every tensor the engine saves for the backward pass) and same-dtype Cast copy
 *   the buffer: Bonsai's share it, as the CPU backend does.
 * - Sum transposes the reduced axes to the end first: Bonsai's sums leading axes (every bias
 *   gradient) in one pass (a SIMD pass in the heap from 8,192 elements and ≤ 24 columns,
 *   leading-axes-sum-wasm.ts).
 * - Add of a bias with few channels broadcasts slowly: Bonsai's adds the bias tiled to lcm(C, 4)
 *   floats in one SIMD pass in the heap (channel-bias-add-wasm.ts), or tiles it first.
 * Each replacement keeps the CPU backend's semantics (the bias Add, the Sum, MaxPool and
 * MaxPoolGrad bit for bit) and hands every case it does not speed up to TF.js's kernel. The "in the
 * heap" kernels are hand-assembled WebAssembly importing the backend's memory (heap-wasm.ts); where
 * that memory cannot be imported (a threaded build's shared memory) or compiled, they fall back to
 * the composed or JavaScript paths.
 */
import { getKernel, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs-core';
import { conv2dBackpropFilterKernel } from './conv2d-backprop-filter';
import { BATCH_MAT_MUL, batchMatMulTransposedKernel } from './batch-matmul-transposed';
import { conv2dBackpropInputKernel } from './conv2d-backprop-input';
import { depthwiseBackpropFilterKernel } from './depthwise-backprop-filter';
import { depthwiseBackpropInputKernel } from './depthwise-backprop-input';
import { ADD, channelBiasAddKernel } from './channel-bias-add';
import { leadingAxesSumKernel, SUM } from './leading-axes-sum';
import { maxPoolGradKernel } from './max-pool-grad';
import { MAX_POOL, tiledMaxPoolKernel } from './max-pool-tiled';
import { CONV2D, singleChannelConvKernel } from './conv-single-channel';
import { CAST, IDENTITY, sameDtypeCastKernel, sharedIdentityKernel } from './shared-identity';

const WASM = 'wasm';

/** The kernel functions Bonsai installed as replacements, so a second call leaves them alone. */
const replaced = new Set<unknown>();
/** TF.js's own kernels that a replacement wraps. */
const originals = new Map<string, KernelConfig>();

export function wasmGradientKernels(): KernelConfig[] {
  return [conv2dBackpropFilterKernel(WASM), depthwiseBackpropFilterKernel(WASM), depthwiseBackpropInputKernel(WASM)];
}

/**
 * Kernels TF.js has on wasm that Bonsai replaces with faster compositions of its forward kernels.
 * A replacement that still calls TF.js's kernel is built around the original (looked up once).
 */
export function wasmFasterKernels(): KernelConfig[] {
  const out = [conv2dBackpropInputKernel(WASM), maxPoolGradKernel(WASM)];
  const wrappers: [string, (backendName: string, original: KernelConfig) => KernelConfig][] = [
    [BATCH_MAT_MUL, batchMatMulTransposedKernel],
    [IDENTITY, sharedIdentityKernel],
    [CAST, sameDtypeCastKernel],
    [SUM, leadingAxesSumKernel],
    [ADD, channelBiasAddKernel],
    [MAX_POOL, tiledMaxPoolKernel],
    [CONV2D, singleChannelConvKernel],
  ];
  for (const [name, wrap] of wrappers) {
    const original = originals.get(name) ?? getKernel(name, WASM);
    if (original === undefined || replaced.has(original.kernelFunc)) continue;
    originals.set(name, original);
    out.push(wrap(WASM, original));
  }
  return out;
}

/** Registers Bonsai's gradient kernels for 'wasm' where TF.js lacks them. Safe to call repeatedly. */
export function registerWasmGradientKernels(): void {
  for (const config of wasmGradientKernels()) {
    if (getKernel(config.kernelName, WASM) === undefined) registerKernel(config);
  }
  for (const config of wasmFasterKernels()) {
    const current = getKernel(config.kernelName, WASM);
    if (current !== undefined && replaced.has(current.kernelFunc)) continue;
    if (current !== undefined) unregisterKernel(config.kernelName, WASM);
    registerKernel(config);
    replaced.add(config.kernelFunc);
  }
}
