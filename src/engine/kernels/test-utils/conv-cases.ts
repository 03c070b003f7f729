/**
 * Test-only: random convolution cases for the gradient sweep, and the reference gradients. The
 * reference for a dilated filter is the same convolution with the zero-inserted ("dilated")
 * filter at dilation 1, whose gradients TF.js can compute; the filter gradient is that gradient
 * at the taps the dilated filter really has.
 */
import * as tf from '@tensorflow/tfjs-core';
// tfjs-layers registers TF.js's gradient functions (tfjs-core alone does not), in Node and Vite alike.
import '@tensorflow/tfjs-layers';
import fc from 'fast-check';

export type ConvKind = 'conv2d' | 'depthwise';
export type PadSpec = 'same' | 'valid' | number | [[0, 0], [number, number], [number, number], [0, 0]];

export interface ConvCase {
  kind: ConvKind;
  batch: number;
  height: number;
  width: number;
  inChannels: number;
  /** Out-channels for conv2d, channel multiplier for depthwise. */
  outOrMultiplier: number;
  kernelH: number;
  kernelW: number;
  stride: [number, number];
  dilation: [number, number];
  pad: PadSpec;
  seed: number;
}

const padArb: fc.Arbitrary<PadSpec> = fc.oneof(
  fc.constant('same' as const),
  fc.constant('valid' as const),
  fc.integer({ min: 0, max: 2 }),
  fc
    .tuple(fc.nat(2), fc.nat(2), fc.nat(2), fc.nat(2))
    .map(([t, b, l, r]): PadSpec => [[0, 0], [t, b], [l, r], [0, 0]]),
);

export function convCaseArb(kind: ConvKind): fc.Arbitrary<ConvCase> {
  return fc
    .record({
      kind: fc.constant(kind),
      batch: fc.integer({ min: 1, max: 3 }),
      height: fc.integer({ min: 1, max: 12 }),
      width: fc.integer({ min: 1, max: 12 }),
      inChannels: fc.integer({ min: 1, max: 4 }),
      outOrMultiplier: fc.integer({ min: 1, max: 3 }),
      kernelH: fc.integer({ min: 1, max: 5 }),
      kernelW: fc.integer({ min: 1, max: 5 }),
      // TF.js forbids stride > 1 together with dilation > 1: draw one, then the other.
      strideOrDilation: fc.oneof(
        fc.record({ stride: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })), dilation: fc.constant<[number, number]>([1, 1]) }),
        fc.record({ stride: fc.constant<[number, number]>([1, 1]), dilation: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })) }),
      ),
      pad: padArb,
      seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    })
    .map(({ strideOrDilation, ...rest }) => ({ ...rest, ...strideOrDilation }))
    .filter((c) => (typeof c.pad !== 'number' || isSquare(c)) && outputShape(c) !== null);
}

/**
 * A numeric `pad` is only well-defined for square convolutions: TF.js 4.22 computes both output
 * sizes from the filter height and the stride height (conv_util computeOutputShape2D), and the
 * wasm forward Conv2D then writes past its output (a wasm "memory access out of bounds").
 */
function isSquare(c: ConvCase): boolean {
  return c.kernelH === c.kernelW && c.stride[0] === c.stride[1] && c.dilation[0] === c.dilation[1];
}

function filterShape(c: ConvCase): [number, number, number, number] {
  return [c.kernelH, c.kernelW, c.inChannels, c.outOrMultiplier];
}

function inputShape(c: ConvCase): [number, number, number, number] {
  return [c.batch, c.height, c.width, c.inChannels];
}

/** The forward output shape, or null when TF.js would produce an empty output. */
export function outputShape(c: ConvCase): number[] | null {
  const info = tf.backend_util.computeConv2DInfo(inputShape(c), filterShape(c), c.stride, c.dilation, c.pad, undefined, c.kind === 'depthwise');
  return info.outHeight >= 1 && info.outWidth >= 1 ? info.outShape : null;
}

/** Deterministic values in [-1, 1) (mulberry32). */
export function randomValues(n: number, seed: number): Float32Array {
  let a = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) / 2 ** 31 - 1;
  }
  return out;
}

export interface CaseData {
  x: Float32Array;
  filter: Float32Array;
  /** Upstream gradient dy (the weights r in sum(conv(x, f) * r)). */
  dy: Float32Array;
}

export function caseData(c: ConvCase): CaseData {
  const size = (s: number[]) => s.reduce((p, q) => p * q, 1);
  const out = outputShape(c);
  if (out === null) throw new Error('Test setup: empty convolution output.');
  return {
    x: randomValues(size(inputShape(c)), c.seed),
    filter: randomValues(size(filterShape(c)), c.seed ^ 0x5bd1e995),
    dy: randomValues(size(out), c.seed ^ 0x1b873593),
  };
}

export interface Grads {
  dx: Float32Array;
  dFilter: Float32Array;
}

function forward(c: ConvCase, x: tf.Tensor4D, f: tf.Tensor4D, dilation: [number, number]): tf.Tensor4D {
  return c.kind === 'conv2d'
    ? tf.conv2d(x, f, c.stride, c.pad, 'NHWC', dilation)
    : tf.depthwiseConv2d(x, f, c.stride, c.pad, 'NHWC', dilation);
}

/** Gradients of sum(conv(x, f) * dy) through the public ops (dilation must be 1). */
export function gradsThroughOps(c: ConvCase, d: CaseData): Grads {
  return tf.tidy(() => {
    const x = tf.tensor4d(d.x, inputShape(c));
    const f = tf.tensor4d(d.filter, filterShape(c));
    const out = outputShape(c) as number[];
    const r = tf.tensor(d.dy, out);
    const [dx, df] = tf.grads((xi: tf.Tensor, fi: tf.Tensor) =>
      tf.sum(tf.mul(forward(c, xi as tf.Tensor4D, fi as tf.Tensor4D, [1, 1]), r)),
    )([x, f]);
    return { dx: dx.dataSync() as Float32Array, dFilter: df.dataSync() as Float32Array };
  });
}

/** Zero-inserts the filter taps: [KH,KW,C,O] → [(KH-1)·dh+1, (KW-1)·dw+1, C, O]. */
function dilateFilter(c: ConvCase, f: Float32Array): { values: Float32Array; shape: [number, number, number, number] } {
  const [kh, kw, ci, co] = filterShape(c);
  const [dh, dw] = c.dilation;
  const shape: [number, number, number, number] = [(kh - 1) * dh + 1, (kw - 1) * dw + 1, ci, co];
  const values = new Float32Array(shape[0] * shape[1] * ci * co);
  const depth = ci * co;
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      values.set(f.subarray((i * kw + j) * depth, (i * kw + j + 1) * depth), (i * dh * shape[1] + j * dw) * depth);
    }
  }
  return { values, shape };
}

/** Reference gradients for any dilation, via the dilated filter at dilation 1. */
export function referenceGrads(c: ConvCase, d: CaseData): Grads {
  const dilated = dilateFilter(c, d.filter);
  const viaDilated = gradsThroughOps(
    { ...c, kernelH: dilated.shape[0], kernelW: dilated.shape[1], dilation: [1, 1] },
    { ...d, filter: dilated.values },
  );
  const [kh, kw, ci, co] = filterShape(c);
  const depth = ci * co;
  const dFilter = new Float32Array(kh * kw * depth);
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const from = (i * c.dilation[0] * dilated.shape[1] + j * c.dilation[1]) * depth;
      dFilter.set(viaDilated.dFilter.subarray(from, from + depth), (i * kw + j) * depth);
    }
  }
  return { dx: viaDilated.dx, dFilter };
}

/**
 * Gradients straight from the backprop kernels, which take a dilation attribute that the public
 * gradient functions refuse. Conv2D's input gradient is omitted: TF.js's Conv2DBackpropInput
 * kernel has no dilation attribute on any backend.
 */
export function gradsThroughKernels(c: ConvCase, d: CaseData): Partial<Grads> {
  return tf.tidy(() => {
    const x = tf.tensor4d(d.x, inputShape(c));
    const f = tf.tensor4d(d.filter, filterShape(c));
    const dy = tf.tensor(d.dy, outputShape(c) as number[]);
    const common = { strides: c.stride, pad: c.pad, dilations: c.dilation };
    if (c.kind === 'conv2d') {
      const df = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, {
        ...common,
        dataFormat: 'NHWC',
        filterShape: filterShape(c),
      }) as tf.Tensor;
      return { dFilter: df.dataSync() as Float32Array };
    }
    const df = tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, {
      ...common,
      filterShape: filterShape(c),
    }) as tf.Tensor;
    const dx = tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter: f }, {
      ...common,
      inputShape: inputShape(c),
    }) as tf.Tensor;
    return { dx: dx.dataSync() as Float32Array, dFilter: df.dataSync() as Float32Array };
  });
}

/** max |a − b| / max(1, max |b|): absolute error scaled by the reference's magnitude. */
export function scaledMaxError(actual: Float32Array, expected: Float32Array): number {
  if (actual.length !== expected.length) return Infinity;
  let err = 0;
  let mag = 1;
  for (let i = 0; i < expected.length; i++) {
    err = Math.max(err, Math.abs(actual[i] - expected[i]));
    mag = Math.max(mag, Math.abs(expected[i]));
  }
  return err / mag;
}
