/**
 * Registration, error paths and memory: the gradient kernels register once, never replace a
 * kernel TF.js already has, reject NCHW with a clear message, and free every intermediate buffer —
 * on success, on failure, and across many calls (including XNNPACK's operator cache in the wasm heap).
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { useBackend } from '../test-utils/backends';
import { registerWasmGradientKernels, wasmFasterKernels, wasmGradientKernels } from './register';

const NAMES = ['Conv2DBackpropFilter', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput'];

interface WasmBackendInternals {
  numDataIds(): number;
  wasm: { HEAPU8: Uint8Array };
}

function wasmBackend(): WasmBackendInternals {
  return tf.engine().findBackend('wasm') as unknown as WasmBackendInternals;
}

/** One training-sized call of each kernel (LeNet conv1 at batch 16, a strided depthwise). */
function runAllKernels(): void {
  tf.tidy(() => {
    const x = tf.randomUniform([16, 28, 28, 1]) as tf.Tensor4D;
    const dy = tf.randomUniform([16, 28, 28, 6]) as tf.Tensor4D;
    tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [5, 5, 1, 6] });
    const xd = tf.randomUniform([16, 16, 16, 8]) as tf.Tensor4D;
    const dyd = tf.randomUniform([16, 8, 8, 16]) as tf.Tensor4D;
    const f = tf.randomUniform([3, 3, 8, 2]) as tf.Tensor4D;
    const attrs = { strides: 2, dilations: 1, pad: 'same' };
    tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x: xd, dy: dyd }, { ...attrs, filterShape: [3, 3, 8, 2] });
    tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy: dyd, filter: f }, { ...attrs, inputShape: [16, 16, 16, 8] });
  });
}

describe('wasm gradient kernels: registration and memory', () => {
  let tensorsBefore = 0;
  let idsBefore = 0;
  beforeAll(async () => {
    registerWasmGradientKernels();
    await useBackend('wasm');
  });
  beforeEach(async () => {
    await useBackend('wasm');
    tensorsBefore = tf.memory().numTensors;
    idsBefore = wasmBackend().numDataIds();
  });
  afterEach(() => {
    expect(tf.memory().numTensors, 'tensors leaked').toBe(tensorsBefore);
    expect(wasmBackend().numDataIds(), 'wasm buffers leaked').toBe(idsBefore);
  });

  it('registers the three missing kernels, idempotently', () => {
    for (const name of NAMES) expect(tf.getKernel(name, 'wasm'), name).toBeDefined();
    expect(() => registerWasmGradientKernels()).not.toThrow();
    expect(wasmGradientKernels().map((k) => k.kernelName)).toEqual(NAMES);
  });

  it('replaces the slow wasm Conv2DBackpropInput with its own once, idempotently', () => {
    expect(wasmFasterKernels().map((k) => k.kernelName)).toEqual(['Conv2DBackpropInput', 'MaxPoolGrad', 'BatchMatMul', 'Identity', 'Cast', 'Sum', 'Add', 'MaxPool', 'Conv2D']);
    const ours = tf.getKernel('Conv2DBackpropInput', 'wasm')!.kernelFunc;
    registerWasmGradientKernels();
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm')!.kernelFunc).toBe(ours);
    // LeNet conv2's input gradient at batch 4 equals the CPU backend's (the sweep covers the rest).
    const dy = tf.randomUniform([4, 10, 10, 16], -1, 1, 'float32', 3) as tf.Tensor4D;
    const w = tf.randomUniform([5, 5, 6, 16], -1, 1, 'float32', 4) as tf.Tensor4D;
    const dx = tf.conv2dTranspose(dy, w, [4, 14, 14, 6], 1, 'valid');
    const got = dx.dataSync() as Float32Array;
    const [dyData, wData] = [dy.dataSync() as Float32Array, w.dataSync() as Float32Array];
    tf.dispose([dy, w, dx]);
    const expected = (() => {
      // direct sum: dx[b,i,j,c] = Σ dy[b,i−kh,j−kw,o]·W[kh,kw,c,o]
      const out = new Float32Array(4 * 14 * 14 * 6);
      for (let b = 0; b < 4; b++) for (let i = 0; i < 14; i++) for (let j = 0; j < 14; j++) for (let c = 0; c < 6; c++) {
        let s = 0;
        for (let kh = 0; kh < 5; kh++) for (let kw = 0; kw < 5; kw++) {
          const oi = i - kh, oj = j - kw;
          if (oi < 0 || oj < 0 || oi >= 10 || oj >= 10) continue;
          for (let o = 0; o < 16; o++) s += dyData[((b * 10 + oi) * 10 + oj) * 16 + o] * wData[((kh * 5 + kw) * 6 + c) * 16 + o];
        }
        out[((b * 14 + i) * 14 + j) * 6 + c] = s;
      }
      return out;
    })();
    const err = got.reduce((m, v, k) => Math.max(m, Math.abs(v - expected[k])), 0);
    expect(err).toBeLessThan(1e-4);
  });

  it('BatchMatMul with transposed operands matches the CPU backend, batched and not, idempotently registered', async () => {
    const ours = tf.getKernel('BatchMatMul', 'wasm')!.kernelFunc;
    registerWasmGradientKernels();
    expect(tf.getKernel('BatchMatMul', 'wasm')!.kernelFunc).toBe(ours);
    const cases: [number[], number[], boolean, boolean][] = [
      [[7, 5], [5, 3], false, false],
      [[5, 7], [5, 3], true, false],
      [[7, 5], [3, 5], false, true],
      [[5, 7], [3, 5], true, true],
      [[2, 5, 7], [2, 3, 5], true, true],
      [[2, 7, 5], [1, 5, 3], false, false],
      // a·bᵀ with a large b, computed as (b·aᵀ)ᵀ: as a matrix and with a leading axis of 1
      [[4, 6], [40, 6], false, true],
      [[1, 4, 6], [1, 40, 6], false, true],
      [[1, 4, 6], [40, 6], false, true],
    ];
    for (const [sa, sb, ta, tb] of cases) {
      const av = Array.from({ length: sa.reduce((x, y) => x * y, 1) }, (_, i) => Math.sin(i + 1));
      const bv = Array.from({ length: sb.reduce((x, y) => x * y, 1) }, (_, i) => Math.cos(i * 0.7));
      const run = () => tf.tidy(() => tf.matMul(tf.tensor(av, sa), tf.tensor(bv, sb), ta, tb).dataSync() as Float32Array);
      const got = run();
      await useBackend('cpu');
      const want = run();
      await useBackend('wasm');
      expect(got.length).toBe(want.length);
      got.forEach((v, i) => expect(v).toBeCloseTo(want[i], 4));
    }
  });

  it('keeps a kernel that is already registered', () => {
    const ours = tf.getKernel('Conv2DBackpropFilter', 'wasm')!;
    const theirs: tf.KernelConfig = { ...ours, kernelFunc: () => ({ dataId: {}, shape: [], dtype: 'float32' }) };
    tf.unregisterKernel('Conv2DBackpropFilter', 'wasm');
    tf.registerKernel(theirs);
    try {
      registerWasmGradientKernels();
      expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')!.kernelFunc).toBe(theirs.kernelFunc);
    } finally {
      tf.unregisterKernel('Conv2DBackpropFilter', 'wasm');
      tf.registerKernel(ours);
    }
  });

  it('rejects NCHW with a message that names the kernel and the fix', () => {
    const x = tf.zeros([1, 4, 4, 2]);
    const dy = tf.zeros([1, 4, 4, 3]);
    expect(() =>
      tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'same', dataFormat: 'NCHW', filterShape: [3, 3, 2, 3] }),
    ).toThrow(/Conv2DBackpropFilter.*only dataFormat 'NHWC'.*'NCHW'/);
    tf.dispose([x, dy]);
  });

  it('frees its intermediates when a kernel fails midway', () => {
    // dy has 3 channels but filterShape claims 2: the composed convolution runs, the shape check throws.
    const x = tf.ones([2, 6, 6, 2]);
    const dy = tf.ones([2, 6, 6, 3]);
    expect(() =>
      tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 2, 2] }),
    ).toThrow(/Conv2DBackpropFilter.*expected \[2,3,3,2\]/);
    tf.dispose([x, dy]);
  });

  it('holds tensor bytes and the wasm heap steady over repeated calls', () => {
    runAllKernels(); // warm-up: the heap may grow once to fit the working set
    const bytes = tf.memory().numBytes;
    const heap = wasmBackend().wasm.HEAPU8.length;
    for (let i = 0; i < 15; i++) runAllKernels();
    expect(tf.memory().numBytes).toBe(bytes);
    expect(wasmBackend().wasm.HEAPU8.length, 'wasm heap grew: something is not freed').toBe(heap);
  });
});
