/**
 * TF.js 4.22's wasm backend cannot train CNNs: it has no Conv2DBackpropFilter,
 * DepthwiseConv2dNativeBackpropFilter or DepthwiseConv2dNativeBackpropInput. Bonsai registers its
 * own, composed from forward kernels the wasm backend has. Only missing names are registered, so a
 * future TF.js that ships its own kernels keeps them.
 */
import { getKernel, registerKernel, type KernelConfig } from '@tensorflow/tfjs-core';
import { conv2dBackpropFilterKernel } from './conv2d-backprop-filter';
import { depthwiseBackpropFilterKernel } from './depthwise-backprop-filter';
import { depthwiseBackpropInputKernel } from './depthwise-backprop-input';

const WASM = 'wasm';

export function wasmGradientKernels(): KernelConfig[] {
  return [conv2dBackpropFilterKernel(WASM), depthwiseBackpropFilterKernel(WASM), depthwiseBackpropInputKernel(WASM)];
}

/** Registers Bonsai's gradient kernels for 'wasm' where TF.js lacks them. Safe to call repeatedly. */
export function registerWasmGradientKernels(): void {
  for (const config of wasmGradientKernels()) {
    if (getKernel(config.kernelName, WASM) === undefined) registerKernel(config);
  }
}
