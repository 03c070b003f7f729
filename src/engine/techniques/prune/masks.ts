/**
 * Which weights of a LayersModel are pruned, and the 0/1 masks that prune them: magnitude masks
 * (per layer or one global threshold) with an exact zero count, N:M masks along the input
 * dimension, and Zhu & Gupta's polynomial sparsity schedule. Masks are computed on the host from
 * the weights' values (one read per update) and kept as bool tensors, applied with `applyMasks`.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel, LayerVariable } from '@tensorflow/tfjs-layers';
import { DEFAULT_MIN_LAYER_PARAMS } from './meta';

/** Kernels pruned per layer class. Biases, BatchNorm and embeddings are never pruned. */
const PRUNABLE_KERNELS: Record<string, string[]> = {
  Dense: ['kernel'],
  Conv1D: ['kernel'],
  Conv2D: ['kernel'],
  Conv3D: ['kernel'],
  Conv2DTranspose: ['kernel'],
  DepthwiseConv2D: ['depthwise_kernel'],
  SeparableConv2D: ['depthwise_kernel', 'pointwise_kernel'],
};

export interface PrunableWeight {
  layer: string;
  className: string;
  /** 'kernel', 'depthwise_kernel' or 'pointwise_kernel'. */
  kind: string;
  weight: LayerVariable;
  shape: number[];
  size: number;
  /**
   * Axis of the kernel that runs over input channels, for N:M groups; null where N:M does not
   * apply (depthwise kernels have one input channel per filter; transposed convs are excluded).
   */
  inputAxis: number | null;
  /** The layer's bias, if any (never pruned by masks; zeroed with its unit by the filter probe). */
  bias: LayerVariable | null;
}

export interface PrunableSelection {
  weights: PrunableWeight[];
  /** Layers that own a prunable kernel but are left dense, and why. */
  skipped: { layer: string; reason: string }[];
}

export interface SelectOptions {
  skip?: string[];
  /** Default DEFAULT_MIN_LAYER_PARAMS; layers named in `include` are taken whatever their size. */
  minLayerParams?: number;
  include?: string[];
  /** Only weights with an input axis (for N:M). */
  requireInputAxis?: boolean;
}

interface LayerLike {
  name: string;
  getClassName(): string;
  weights: LayerVariable[];
  layers?: LayerLike[];
}

function flattenLayers(layers: readonly LayerLike[]): LayerLike[] {
  return layers.flatMap((l) => (Array.isArray(l.layers) ? flattenLayers(l.layers) : [l]));
}

function inputAxisOf(className: string, kind: string, rank: number): number | null {
  if (kind === 'depthwise_kernel' || className === 'Conv2DTranspose') return null;
  return rank - 2; // Dense [in, out]; Conv [...spatial, in, out]; pointwise [1, 1, in, out]
}

/** Every prunable kernel of the model (nested models included), with the skip rules applied. */
export function prunableWeights(model: LayersModel, opts: SelectOptions = {}): PrunableSelection {
  const skip = new Set(opts.skip ?? []);
  const include = new Set(opts.include ?? []);
  const minParams = opts.minLayerParams ?? DEFAULT_MIN_LAYER_PARAMS;
  const weights: PrunableWeight[] = [];
  const skipped: PrunableSelection['skipped'] = [];
  for (const layer of flattenLayers(model.layers as unknown as LayerLike[])) {
    const className = layer.getClassName();
    const kinds = PRUNABLE_KERNELS[className];
    if (!kinds) continue;
    const bias = layer.weights.find((w) => w.originalName.split('/').pop() === 'bias') ?? null;
    const found = layer.weights
      .map((weight) => ({ weight, kind: weight.originalName.split('/').pop() ?? '' }))
      .filter((w) => kinds.includes(w.kind) && w.weight.trainable)
      .map(({ weight, kind }): PrunableWeight => ({
        layer: layer.name, className, kind, weight, shape: weight.shape.map(Number), size: weight.shape.reduce((a: number, b) => a * Number(b), 1),
        inputAxis: inputAxisOf(className, kind, weight.shape.length), bias,
      }));
    const usable = opts.requireInputAxis ? found.filter((w) => w.inputAxis !== null) : found;
    const params = usable.reduce((n, w) => n + w.size, 0);
    if (found.length === 0) continue;
    if (skip.has(layer.name)) skipped.push({ layer: layer.name, reason: 'in the skip list' });
    else if (usable.length === 0) skipped.push({ layer: layer.name, reason: `${className} has no input-channel axis for N:M groups` });
    else if (params < minParams && !include.has(layer.name)) skipped.push({ layer: layer.name, reason: `${params} weights, under the ${minParams} minimum` });
    else weights.push(...usable);
  }
  return { weights, skipped };
}

/** Masks by weight variable name (`LayerVariable.name`); true keeps the weight. */
export type MaskSet = Map<string, tf.Tensor>;

export function disposeMasks(masks: MaskSet): void {
  for (const m of masks.values()) m.dispose();
  masks.clear();
}

/** Write w·mask into every masked weight of the model (as +0, never −0: zeros gzip best). */
export function applyMasks(model: LayersModel, masks: MaskSet): void {
  if (masks.size === 0) return;
  for (const w of model.weights) {
    const mask = masks.get(w.name);
    if (!mask) continue;
    tf.tidy(() => {
      const v = w.read();
      w.write(tf.where(mask, v, tf.zerosLike(v)));
    });
  }
}

export function maskTensor(keep: Uint8Array, shape: number[]): tf.Tensor {
  return tf.tensor(keep, shape, 'bool');
}

/** |values| as a new array. */
function absOf(values: ArrayLike<number>): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Math.abs(values[i]);
  return out;
}

/**
 * The k-th smallest value (1-based) and how many values are strictly below it, so exactly k
 * entries can be zeroed: all below, then ties at the threshold in index order.
 */
function threshold(abs: Float32Array, k: number): { t: number; below: number } {
  if (k <= 0) return { t: -Infinity, below: 0 };
  const sorted = Float32Array.from(abs).sort(); // numeric, NaN last
  const t = sorted[k - 1];
  let below = 0;
  while (below < k && sorted[below] < t) below++;
  return { t, below };
}

/**
 * Keep-masks for one group of weights pruned to `sparsity` with one threshold: exactly
 * round(sparsity · n) entries are 0 (n = all weights of the group), the smallest by magnitude,
 * ties at the threshold broken by order (array by array, index by index).
 */
export function magnitudeKeepMasks(values: readonly ArrayLike<number>[], sparsity: number): Uint8Array[] {
  const abs = values.map(absOf);
  const n = abs.reduce((s, a) => s + a.length, 0);
  const k = Math.round(sparsity * n);
  const pooled = new Float32Array(n);
  let at = 0;
  for (const a of abs) {
    pooled.set(a, at);
    at += a.length;
  }
  const { t, below } = threshold(pooled, k);
  let ties = k - below;
  return abs.map((a) => {
    const keep = new Uint8Array(a.length);
    for (let i = 0; i < a.length; i++) {
      if (a[i] < t) continue;
      if (a[i] === t && ties > 0) {
        ties--;
        continue;
      }
      keep[i] = 1;
    }
    return keep;
  });
}

/**
 * N:M keep-mask: along `inputAxis`, every run of M consecutive input channels (per output and
 * spatial position) keeps its N largest weights by magnitude (ties: the lower index). A last run
 * shorter than M (input channels not a multiple of M) keeps min(N, its length).
 */
export function nmKeepMask(values: ArrayLike<number>, shape: number[], inputAxis: number, n: number, m: number): Uint8Array {
  const inner = shape.slice(inputAxis + 1).reduce((a, b) => a * b, 1);
  const channels = shape[inputAxis];
  const outer = shape.slice(0, inputAxis).reduce((a, b) => a * b, 1);
  const keep = new Uint8Array(values.length);
  const idx: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      for (let g = 0; g < channels; g += m) {
        idx.length = 0;
        for (let c = g; c < Math.min(g + m, channels); c++) idx.push((o * channels + c) * inner + j);
        idx.sort((a, b) => Math.abs(values[b]) - Math.abs(values[a]) || a - b);
        for (let r = 0; r < Math.min(n, idx.length); r++) keep[idx[r]] = 1;
      }
    }
  }
  return keep;
}

export interface PolynomialSchedule {
  initialSparsity: number;
  finalSparsity: number;
  beginStep: number;
  endStep: number;
  power: number;
}

/**
 * Zhu & Gupta (2017), eq. 1: s_t = s_f + (s_i − s_f)·(1 − (t − t0)/(n·Δt))^p, with t0 = beginStep
 * and n·Δt = endStep − beginStep; s_i before t0 and s_f after the end.
 */
export function polynomialSparsity(step: number, s: PolynomialSchedule): number {
  const progress = Math.min(1, Math.max(0, (step - s.beginStep) / (s.endStep - s.beginStep)));
  return s.finalSparsity + (s.initialSparsity - s.finalSparsity) * Math.pow(1 - progress, s.power);
}

/** Masks are recomputed at t0, t0 + Δt, t0 + 2Δt, … and at endStep (so s_f is always reached). */
export function isMaskUpdateStep(step: number, s: { beginStep: number; endStep: number; frequency: number }): boolean {
  if (step < s.beginStep || step > s.endStep) return false;
  return step === s.endStep || (step - s.beginStep) % s.frequency === 0;
}

/** Exact zeros in each array. */
export function countZeros(values: ArrayLike<number>): number {
  let z = 0;
  for (let i = 0; i < values.length; i++) if (values[i] === 0) z++;
  return z;
}
