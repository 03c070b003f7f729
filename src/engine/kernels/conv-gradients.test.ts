/**
 * Property sweep: Bonsai's composed wasm gradient kernels against the CPU backend's gradients,
 * with identical inputs. Dilation 1 goes through the public ops (tf.grads), as training does;
 * dilation 2 calls the kernels directly, because TF.js's gradient functions refuse dilation > 1,
 * and compares with the gradient of the same convolution with a zero-inserted filter on CPU.
 *
 * Tolerance: max |wasm − cpu| ≤ 1e-5 · max(1, max |cpu|), per gradient.
 */
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { useBackend } from '../test-utils/backends';
import { registerWasmGradientKernels } from './register';
import {
  caseData,
  convCaseArb,
  gradsThroughKernels,
  gradsThroughOps,
  referenceGrads,
  scaledMaxError,
  type ConvCase,
  type ConvKind,
} from './test-utils/conv-cases';

const TOLERANCE = 1e-5;
const RUNS_PER_KIND = 80;

function wasmDataIds(): number {
  return tf.engine().findBackend('wasm').numDataIds();
}

async function checkCase(c: ConvCase): Promise<void> {
  const data = caseData(c);
  await useBackend('cpu');
  const expected = referenceGrads(c, data);
  await useBackend('wasm');
  const dilated = c.dilation[0] > 1 || c.dilation[1] > 1;
  const actual = dilated ? gradsThroughKernels(c, data) : gradsThroughOps(c, data);
  const label = JSON.stringify({ ...c, seed: undefined });
  expect(actual.dFilter, `filter gradient missing for ${label}`).toBeDefined();
  expect(scaledMaxError(actual.dFilter!, expected.dFilter), `filter gradient of ${label}`).toBeLessThanOrEqual(TOLERANCE);
  if (actual.dx !== undefined) {
    expect(scaledMaxError(actual.dx, expected.dx), `input gradient of ${label}`).toBeLessThanOrEqual(TOLERANCE);
  }
}

describe('composed wasm convolution gradients match the CPU backend', () => {
  let tensorsBefore = 0;
  let wasmIdsBefore = 0;
  beforeAll(async () => {
    registerWasmGradientKernels();
    await useBackend('wasm');
  });
  beforeEach(() => {
    tensorsBefore = tf.memory().numTensors;
    wasmIdsBefore = wasmDataIds();
  });
  afterEach(() => {
    expect(tf.memory().numTensors, 'tensors leaked').toBe(tensorsBefore);
    expect(wasmDataIds(), 'wasm buffers leaked inside the kernels').toBe(wasmIdsBefore);
  });

  const kinds: ConvKind[] = ['conv2d', 'depthwise'];
  for (const kind of kinds) {
    it(`${kind}: ${RUNS_PER_KIND} random shapes, strides, dilations and paddings`, async () => {
      await fc.assert(fc.asyncProperty(convCaseArb(kind), checkCase), { numRuns: RUNS_PER_KIND, seed: 20240611 });
    });
  }

  // Shapes that real layers produce and that random draws rarely hit.
  const fixed: ConvCase[] = [
    // LeNet conv1 and conv2 at batch 8.
    { kind: 'conv2d', batch: 8, height: 28, width: 28, inChannels: 1, outOrMultiplier: 6, kernelH: 5, kernelW: 5, stride: [1, 1], dilation: [1, 1], pad: 'same', seed: 1 },
    { kind: 'conv2d', batch: 8, height: 14, width: 14, inChannels: 6, outOrMultiplier: 16, kernelH: 5, kernelW: 5, stride: [1, 1], dilation: [1, 1], pad: 'valid', seed: 2 },
    // MobileNet-style strided depthwise with 'same' padding on an even size (asymmetric pad).
    { kind: 'depthwise', batch: 4, height: 16, width: 16, inChannels: 8, outOrMultiplier: 1, kernelH: 3, kernelW: 3, stride: [2, 2], dilation: [1, 1], pad: 'same', seed: 3 },
    { kind: 'depthwise', batch: 2, height: 15, width: 9, inChannels: 3, outOrMultiplier: 2, kernelH: 3, kernelW: 5, stride: [3, 2], dilation: [1, 1], pad: 'valid', seed: 4 },
    // Explicit pad larger than the kernel reaches: some outputs read only padding.
    { kind: 'conv2d', batch: 1, height: 1, width: 2, inChannels: 2, outOrMultiplier: 2, kernelH: 1, kernelW: 1, stride: [3, 3], dilation: [1, 1], pad: [[0, 0], [2, 0], [2, 0], [0, 0]], seed: 5 },
    { kind: 'depthwise', batch: 1, height: 1, width: 2, inChannels: 2, outOrMultiplier: 2, kernelH: 1, kernelW: 1, stride: [3, 3], dilation: [1, 1], pad: [[0, 0], [2, 0], [2, 0], [0, 0]], seed: 6 },
  ];
  for (const c of fixed) {
    it(`${c.kind} ${c.batch}×${c.height}×${c.width}×${c.inChannels}, ${c.kernelH}×${c.kernelW}/${c.stride}, pad ${JSON.stringify(c.pad)}`, async () => {
      await checkCase(c);
    });
  }
});
