/**
 * FLOPs of any model (GraphModels included) by profiling one batch-1 inference: `tf.profile` lists
 * every kernel run with its input and output shapes. Only the kernels that do multiply-adds are
 * counted (same convention as flops.ts: FLOPs = 2 × MACs); every other kernel name is listed as not
 * counted. tf.profile also lists op wrappers (e.g. `fusedConv2d__op` around `FusedConv2D`): they
 * are skipped because they are not registered kernels, so no work is counted twice.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LoadedModel } from '../model/loaded';
import { asPredictArg, makeInputs } from './inputs';

export interface KernelRecord {
  name: string;
  inputShapes: (number[] | null)[];
  outputShapes: number[][];
}

export interface CountedKernel extends KernelRecord {
  flops: number;
}

export interface ProfiledFlops {
  flops: number;
  /** The counted kernels, in execution order. */
  counted: CountedKernel[];
  /** Distinct names of the kernels that ran but were not counted, sorted. */
  notCounted: string[];
  /** Shapes and dtypes of the tensors the profiled run returned. */
  outputs: { shape: number[]; dtype: string }[];
}

const MATMUL_KERNELS = new Set(['BatchMatMul', '_FusedMatMul', 'MatMul', 'FusedMatMul']);
const CONV_KERNELS = new Set(['Conv2D', 'FusedConv2D', 'Conv3D']);
const DEPTHWISE_KERNELS = new Set(['DepthwiseConv2dNative', 'FusedDepthwiseConv2D']);
const TRANSPOSED_CONV_KERNELS = new Set(['Conv2DBackpropInput']);

/** Names of the kernels whose multiply-adds are counted. */
export const COUNTED_KERNELS: ReadonlySet<string> = new Set([
  ...MATMUL_KERNELS, ...CONV_KERNELS, ...DEPTHWISE_KERNELS, ...TRANSPOSED_CONV_KERNELS,
]);

function product(xs: readonly number[]): number {
  return xs.reduce((a, b) => a * b, 1);
}

/**
 * Multiply-adds of one kernel from its shapes, or null if it is not a counted kernel. Attributes
 * (transposes, strides) are not recorded by tf.profile, so each formula uses shapes only.
 */
export function kernelMacs(k: KernelRecord): number | null {
  const [a, b] = k.inputShapes;
  const out = k.outputShapes[0];
  if (!out || !a || !b) return null;
  if (MATMUL_KERNELS.has(k.name)) {
    // a is [..., M, K] or, transposed, [..., K, M]; either way K = (a's last two dims) / M.
    const m = out[out.length - 2];
    const contracted = (a[a.length - 2] * a[a.length - 1]) / m;
    return product(out) * contracted;
  }
  // Filters are [...kernel, inChannels, outChannels] (depthwise: [kh, kw, in, multiplier]).
  if (CONV_KERNELS.has(k.name)) return (product(out) * product(b)) / b[b.length - 1];
  if (DEPTHWISE_KERNELS.has(k.name)) return product(out) * b[0] * b[1];
  // Conv2DBackpropInput inputs are {dy, filter}: the forward conv's MACs, counted from dy.
  if (TRANSPOSED_CONV_KERNELS.has(k.name)) return (product(a) * product(b)) / b[b.length - 1];
  return null;
}

function collectTensors(c: tf.TensorContainer, into: tf.Tensor[]): tf.Tensor[] {
  if (c instanceof tf.Tensor) into.push(c);
  else if (Array.isArray(c)) for (const x of c) collectTensors(x, into);
  else if (c != null && typeof c === 'object') for (const x of Object.values(c)) collectTensors(x as tf.TensorContainer, into);
  return into;
}

/**
 * Profile `run` (one inference), count its FLOPs and dispose what it returned. `run` must not
 * leave other tensors behind.
 */
export async function profileFlops(run: () => tf.TensorContainer | Promise<tf.TensorContainer>): Promise<ProfiledFlops> {
  const backend = tf.getBackend();
  const failure: { failed: boolean; error?: unknown } = { failed: false };
  // tf.profile leaves the engine in profiling mode if the query throws: never let it throw.
  const info = await tf.profile(async () => {
    try {
      return await run();
    } catch (error) {
      failure.failed = true;
      failure.error = error;
      return [];
    }
  });
  const returned = collectTensors(info.result, []);
  const outputs = returned.map((t) => ({ shape: [...t.shape], dtype: t.dtype as string }));
  tf.dispose(returned);
  if (failure.failed) throw failure.error;

  const counted: CountedKernel[] = [];
  const notCounted = new Set<string>();
  for (const k of info.kernels) {
    // Scopes of composite ops and custom-gradient wrappers are not kernels: their work is in the
    // kernels they ran, which are listed separately.
    if (tf.getKernel(k.name, backend) == null) continue;
    const record: KernelRecord = {
      name: k.name,
      inputShapes: k.inputShapes.map((s) => (s ? [...s] : null)),
      outputShapes: k.outputShapes.map((s) => [...s]),
    };
    const macs = COUNTED_KERNELS.has(k.name) ? kernelMacs(record) : null;
    if (macs === null) notCounted.add(k.name);
    else counted.push({ ...record, flops: 2 * macs });
  }
  const flops = counted.reduce((sum, k) => sum + k.flops, 0);
  return { flops, counted, notCounted: [...notCounted].sort(), outputs };
}

/** Profile one batch-1 inference of the model on zeros (all inputs need fixed non-batch dims). */
export async function profileModelFlops(loaded: LoadedModel): Promise<ProfiledFlops> {
  const inputs = makeInputs(loaded, 1, 'zeros', 'FLOPs profiling');
  try {
    return await profileFlops(() =>
      loaded.format === 'layers'
        ? loaded.model.predict(asPredictArg(inputs))
        : loaded.model.executeAsync(asPredictArg(inputs)),
    );
  } finally {
    tf.dispose(inputs);
  }
}
