/**
 * FLOPs of a training step counted from the kernels actually run (BENCHMARKS.md F14: "forward +
 * backward, counted from the kernels run"): one `trainOnBatch` under `tf.profile`, each recorded
 * kernel's FLOPs from its input and output shapes, FLOPs = 2 × multiply-adds.
 *
 * Counted: the multiply-add kernels — convolutions (forward, input gradient, filter gradient,
 * depthwise) and matrix products. Every other kernel (bias adds, ReLU and its gradient, pooling,
 * softmax, the optimizer's updates) is listed with its calls and time but given 0 FLOPs: they move
 * memory rather than multiply-add, and counting them would flatter the share of a SIMD multiply-add
 * peak. Bonsai's own gradient kernels compose backend kernels below the engine, so the profile
 * records them once, under their own name, and nothing is counted twice.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';

const size = (shape: readonly number[]) => shape.reduce((n, d) => n * d, 1);

/**
 * Multiply-adds of one kernel call from its shapes (transpose- and stride-agnostic: the reduction
 * length comes from the operand that is reduced over), or 0 for a kernel that is not a multiply-add.
 */
export function kernelMacs(kernel: string, inputShapes: readonly (readonly number[])[], outputShapes: readonly (readonly number[])[]): number {
  const out = outputShapes[0];
  if (!out) return 0;
  switch (kernel) {
    case 'Conv2D':
    case 'FusedConv2D': {
      // x [N, H, W, Cin], filter [kh, kw, Cin, Cout], y [N, Ho, Wo, Cout]
      const f = inputShapes[1];
      return size(out) * f[0] * f[1] * f[2];
    }
    case 'Conv2DBackpropInput': {
      // dy [N, Ho, Wo, Cout], filter [kh, kw, Cin, Cout]: every dy element meets kh·kw·Cin taps
      const [dy, f] = inputShapes;
      return size(dy) * f[0] * f[1] * f[2];
    }
    case 'Conv2DBackpropFilter': {
      // x [N, H, W, Cin], dy [N, Ho, Wo, Cout], dW [kh, kw, Cin, Cout]
      const dy = inputShapes[1];
      return (size(dy) * size(out)) / out[3];
    }
    case 'DepthwiseConv2dNative':
    case 'FusedDepthwiseConv2D': {
      // filter [kh, kw, Cin, m], y [N, Ho, Wo, Cin·m]: one kh·kw window per output element
      const f = inputShapes[1];
      return size(out) * f[0] * f[1];
    }
    case 'DepthwiseConv2dNativeBackpropInput':
    case 'DepthwiseConv2dNativeBackpropFilter': {
      // both visit every dy element once per kh·kw tap
      const dy = kernel === 'DepthwiseConv2dNativeBackpropInput' ? inputShapes[0] : inputShapes[1];
      const f = kernel === 'DepthwiseConv2dNativeBackpropInput' ? inputShapes[1] : out;
      return size(dy) * f[0] * f[1];
    }
    case 'BatchMatMul':
    case 'MatMul':
    case '_FusedMatMul': {
      // a holds batch·M·K elements, out batch·M·N: K = |a| ÷ (batch·M)
      const a = inputShapes[0];
      const rows = size(out.slice(0, -1));
      const k = size(a) / rows;
      return size(out) * k;
    }
    default:
      return 0;
  }
}

export interface KernelProfileRow {
  kernel: string;
  calls: number;
  flops: number;
  ms: number;
}

export interface TrainingStepFlops {
  /** 2 × multiply-adds of every counted kernel of one step. */
  flops: number;
  /** Per kernel name: calls, FLOPs and summed kernel time of the profiled step, most time first. */
  kernels: KernelProfileRow[];
  /** Summed kernel time of the step (the profiler's clock; the step's wall time is measured apart). */
  kernelMs: number;
}

/**
 * Runs ONE `trainOnBatch(xs, ys)` on a compiled model under `tf.profile` and counts its FLOPs.
 * The step really trains the model (its weights change), so profile a throw-away or warmed model.
 */
export async function profileTrainingStep(model: LayersModel, xs: tf.Tensor, ys: tf.Tensor): Promise<TrainingStepFlops> {
  if (model.optimizer == null) throw new Error('Error in profileTrainingStep: the model must be compiled (it has no optimizer).');
  const info = await tf.profile(async () => {
    await model.trainOnBatch(xs, ys);
    return [];
  });
  const rows = new Map<string, KernelProfileRow>();
  let flops = 0;
  let kernelMs = 0;
  for (const k of info.kernels) {
    // The profiler also records each op's wrapper ('conv2d__op'); only kernels count.
    if (k.name.endsWith('__op')) continue;
    const f = 2 * kernelMacs(k.name, k.inputShapes, k.outputShapes);
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    const row = rows.get(k.name) ?? { kernel: k.name, calls: 0, flops: 0, ms: 0 };
    row.calls++;
    row.flops += f;
    row.ms += ms;
    rows.set(k.name, row);
    flops += f;
    kernelMs += ms;
  }
  return { flops, kernels: [...rows.values()].sort((a, b) => b.ms - a.ms), kernelMs };
}
