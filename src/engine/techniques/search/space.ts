/**
 * The search space as data (no tf): what a candidate architecture may be, derived from the data's
 * shape and narrowable by a person ("no 5×5", "≤ 3 blocks") or a share link. Two families:
 *  - image inputs [h, w, c]: a stem convolution, 0–N blocks (conv, depthwise-separable, inverted
 *    residual), each with a kernel, a width and a way to downsample, then a head (global average
 *    pool or flatten) with 0–2 hidden dense layers;
 *  - vector inputs [n]: an MLP of 1–4 dense layers (hidden layers + the output layer);
 *  - with an open LayersModel as the reference, optionally a third family: cuts of the reference
 *    that keep its trained weights (NetAdapt-style: pooling folded into strides, hidden Dense
 *    layers merged, a fraction of filters/units removed), fine-tuned rather than trained from scratch.
 * An architecture is plain JSON too, so a checkpoint or a link can carry it.
 */
import { BonsaiError } from '../../errors';

export type BlockType = 'conv' | 'separable' | 'inverted';
export type Kernel = 3 | 5;
export type Expansion = 1 | 3 | 6;
export type Downsample = 'none' | 'stride' | 'maxpool';
export type HeadPool = 'gap' | 'flatten';
export type Activation = 'relu' | 'tanh' | 'elu';

export const BLOCK_TYPES: readonly BlockType[] = ['conv', 'separable', 'inverted'];
export const KERNELS: readonly Kernel[] = [3, 5];
export const EXPANSIONS: readonly Expansion[] = [1, 3, 6];
export const DOWNSAMPLES: readonly Downsample[] = ['none', 'stride', 'maxpool'];
export const HEAD_POOLS: readonly HeadPool[] = ['gap', 'flatten'];
export const ACTIVATIONS: readonly Activation[] = ['relu', 'tanh', 'elu'];

export interface ImageSpace {
  kind: 'image';
  inputShape: [number, number, number];
  classes: number;
  stemWidths: number[];
  stemKernels: Kernel[];
  maxBlocks: number;
  blockTypes: BlockType[];
  kernels: Kernel[];
  widths: number[];
  expansions: Expansion[];
  downsamples: Downsample[];
  headPools: HeadPool[];
  maxDense: number;
  denseUnits: number[];
}

export interface VectorSpace {
  kind: 'vector';
  inputSize: number;
  classes: number;
  /** Dense layers in all, the output layer included: 1..4. */
  maxLayers: number;
  widths: number[];
  activations: Activation[];
}

/**
 * Cuts of the reference model (structured pruning's depth and channel cuts), each a candidate that
 * starts from the reference's trained weights. Present only when a person asks for them and the
 * open model is a LayersModel; the choices are what that model allows.
 */
export interface CutSpace {
  /** The reference's name, for descriptions. */
  reference: string;
  /** Allowed values of "pooling folded into the convolution's stride" ([false] when nothing folds). */
  foldPooling: boolean[];
  /** Allowed counts of hidden Dense layers merged away (0..what the model's Dense chain allows). */
  mergeDense: number[];
  /** Allowed fractions of filters/units removed per layer (lowest L1 norm first). */
  ratios: number[];
  /** Only cuts are drawn (no architecture trained from scratch). */
  only: boolean;
  /** Merges from which a cut is a linear model (every hidden layer of an MLP merged); absent when none. */
  linearAt?: number;
}

/** What the reference allows to cut, worked out on the model (run.ts) and handed to deriveSpace. */
export interface ReferenceCuts {
  name: string;
  canFold: boolean;
  maxMerge: number;
  /**
   * Merging all `maxMerge` hidden Dense layers leaves a linear model (plus the output's softmax):
   * nothing else in the reference is nonlinear, as in an MLP. Absent means false.
   */
  linearWhenAllMerged?: boolean;
}

export type SearchSpace = (ImageSpace | VectorSpace) & { cuts?: CutSpace };

export interface ImageBlock {
  type: BlockType;
  kernel: Kernel;
  width: number;
  /** Inverted residual only (1 for the other types). */
  expansion: Expansion;
  downsample: Downsample;
}

export interface ImageArch {
  kind: 'image';
  stem: { width: number; kernel: Kernel; downsample: Downsample };
  blocks: ImageBlock[];
  head: { pool: HeadPool; dense: number[] };
}

export interface VectorArch {
  kind: 'vector';
  /** Hidden layers (0..maxLayers−1); the output layer is implied. */
  hidden: { units: number; activation: Activation }[];
}

/** A cut of the reference: its weights kept, the cut layers and channels removed. */
export interface CutArch {
  kind: 'cut';
  foldPooling: boolean;
  mergeDense: number;
  ratio: number;
}

export type Architecture = ImageArch | VectorArch | CutArch;

export type CutMode = 'off' | 'also' | 'only';
export const CUT_MODES: readonly CutMode[] = ['off', 'also', 'only'];
export const DEFAULT_CUT_RATIOS = [0, 0.25, 0.5];

/** What a person narrows the derived space with; every field optional. */
export interface SpaceLimits {
  maxBlocks?: number;
  blockTypes?: BlockType[];
  kernels?: Kernel[];
  widths?: number[];
  expansions?: Expansion[];
  downsamples?: Downsample[];
  headPools?: HeadPool[];
  maxDense?: number;
  denseUnits?: number[];
  maxLayers?: number;
  activations?: Activation[];
  /** Also (or only) search cuts of the open model that keep its weights; needs a LayersModel reference. */
  cuts?: CutMode;
  /** Fractions of filters/units a cut may remove per layer. */
  cutRatios?: number[];
}

export const DEFAULT_IMAGE_LIMITS = {
  maxBlocks: 4,
  blockTypes: [...BLOCK_TYPES],
  kernels: [...KERNELS],
  widths: [8, 16, 24, 32, 48, 64],
  expansions: [...EXPANSIONS],
  downsamples: [...DOWNSAMPLES],
  headPools: [...HEAD_POOLS],
  maxDense: 2,
  denseUnits: [32, 64, 128],
} satisfies SpaceLimits;

export const DEFAULT_VECTOR_LIMITS = {
  maxLayers: 4,
  widths: [16, 32, 64, 128, 256, 512],
  activations: ['relu', 'tanh'] as Activation[],
} satisfies SpaceLimits;

/** The smallest spatial size a downsample may start from (so maps never shrink below 2×2). */
export const MIN_DOWNSAMPLE_SIZE = 4;

const bad = (field: string, message: string) =>
  new BonsaiError('BAD_CONFIG', `Error in search: ${field} ${message}.`, 'Widen the search space (Options → Search space).');

function subset<T>(field: string, chosen: readonly T[] | undefined, allowed: readonly T[], fallback: readonly T[]): T[] {
  const list = chosen ?? fallback;
  if (!Array.isArray(list) || list.length === 0) throw bad(field, 'must allow at least one value');
  for (const v of list) if (!allowed.includes(v)) throw bad(field, `has ${JSON.stringify(v)}; allowed: ${allowed.join(', ')}`);
  return [...new Set(list)];
}

function positiveInts(field: string, list: readonly number[] | undefined, fallback: readonly number[], max = 4096): number[] {
  const l = list ?? fallback;
  if (!Array.isArray(l) || l.length === 0) throw bad(field, 'must allow at least one value');
  for (const v of l) if (!Number.isInteger(v) || v < 1 || v > max) throw bad(field, `must be whole numbers in 1..${max}, but has ${v}`);
  return [...new Set(l)].sort((a, b) => a - b);
}

function intIn(field: string, v: number | undefined, fallback: number, lo: number, hi: number): number {
  const x = v ?? fallback;
  if (!Number.isInteger(x) || x < lo || x > hi) throw bad(field, `must be a whole number in ${lo}..${hi}, but is ${x}`);
  return x;
}

/**
 * The space for data of this per-example shape and class count, narrowed by `limits`. Image data
 * ([h, w, c]) gets the CNN space; anything else is flattened to a vector and gets the MLP space.
 */
export function deriveSpace(dataShape: readonly number[], classes: number, limits: SpaceLimits = {}, reference: ReferenceCuts | null = null): SearchSpace {
  const cuts = cutSpace(limits, reference);
  const base = familySpace(dataShape, classes, limits);
  return cuts ? { ...base, cuts } : base;
}

function cutSpace(limits: SpaceLimits, reference: ReferenceCuts | null): CutSpace | null {
  const mode = limits.cuts ?? 'off';
  if (!CUT_MODES.includes(mode)) throw bad('cuts', `is ${JSON.stringify(mode)}; allowed: ${CUT_MODES.join(', ')}`);
  if (mode === 'off') return null;
  if (!reference) {
    throw new BonsaiError('BAD_CONFIG', 'Error in search: cuts of the open model need the open model as the reference, and a LayersModel (model.json format \'layers-model\').',
      'Tick “Compare with the open model” and open a Keras/Layers model, or set “Cuts of the open model” to off.');
  }
  const ratios = limits.cutRatios ?? DEFAULT_CUT_RATIOS;
  if (!Array.isArray(ratios) || ratios.length === 0) throw bad('cutRatios', 'must allow at least one value');
  for (const r of ratios) if (typeof r !== 'number' || !(r >= 0 && r <= 0.9)) throw bad('cutRatios', `must be fractions in 0..0.9, but has ${JSON.stringify(r)}`);
  const space: CutSpace = {
    reference: reference.name,
    foldPooling: reference.canFold ? [false, true] : [false],
    mergeDense: Array.from({ length: Math.max(0, reference.maxMerge) + 1 }, (_, i) => i),
    ratios: [...new Set(ratios)].sort((a, b) => a - b),
    only: mode === 'only',
    ...(reference.linearWhenAllMerged && reference.maxMerge > 0 ? { linearAt: reference.maxMerge } : {}),
  };
  if (space.foldPooling.length === 1 && space.mergeDense.length === 1 && space.ratios.every((r) => r === 0)) {
    throw new BonsaiError('BAD_CONFIG', `Error in search: ${reference.name} has no pooling to fold and no hidden Dense layer to merge, and the cut ratios remove nothing, so there is no cut to search.`,
      'Add a ratio above 0 to the cut ratios, or set “Cuts of the open model” to off.');
  }
  return space;
}

function familySpace(dataShape: readonly number[], classes: number, limits: SpaceLimits): ImageSpace | VectorSpace {
  if (!Number.isInteger(classes) || classes < 2) {
    throw new BonsaiError('BAD_CONFIG', `Error in search: the data has ${classes} class(es); a classifier needs at least 2.`, 'Use a labeled dataset with two or more classes.');
  }
  if (dataShape.length === 3 && dataShape.every((d) => Number.isInteger(d) && d > 0)) {
    const [h, w, c] = dataShape as [number, number, number];
    const widths = positiveInts('widths', limits.widths, DEFAULT_IMAGE_LIMITS.widths, 1024);
    return {
      kind: 'image',
      inputShape: [h, w, c],
      classes,
      stemWidths: widths.filter((x) => x <= 32).length ? widths.filter((x) => x <= 32) : [widths[0]],
      stemKernels: subset('kernels', limits.kernels, KERNELS, DEFAULT_IMAGE_LIMITS.kernels),
      maxBlocks: intIn('maxBlocks', limits.maxBlocks, DEFAULT_IMAGE_LIMITS.maxBlocks, 0, 8),
      blockTypes: subset('blockTypes', limits.blockTypes, BLOCK_TYPES, DEFAULT_IMAGE_LIMITS.blockTypes),
      kernels: subset('kernels', limits.kernels, KERNELS, DEFAULT_IMAGE_LIMITS.kernels),
      widths,
      expansions: subset('expansions', limits.expansions, EXPANSIONS, DEFAULT_IMAGE_LIMITS.expansions),
      downsamples: subset('downsamples', limits.downsamples, DOWNSAMPLES, DEFAULT_IMAGE_LIMITS.downsamples),
      headPools: subset('headPools', limits.headPools, HEAD_POOLS, DEFAULT_IMAGE_LIMITS.headPools),
      maxDense: intIn('maxDense', limits.maxDense, DEFAULT_IMAGE_LIMITS.maxDense, 0, 2),
      denseUnits: positiveInts('denseUnits', limits.denseUnits, DEFAULT_IMAGE_LIMITS.denseUnits),
    };
  }
  const size = dataShape.reduce((a, b) => a * b, 1);
  if (!Number.isInteger(size) || size < 1) throw bad('the data shape', `[${dataShape.join(', ')}] is not a fixed shape`);
  return {
    kind: 'vector',
    inputSize: size,
    classes,
    maxLayers: intIn('maxLayers', limits.maxLayers, DEFAULT_VECTOR_LIMITS.maxLayers, 1, 4),
    widths: positiveInts('widths', limits.widths, DEFAULT_VECTOR_LIMITS.widths),
    activations: subset('activations', limits.activations, ACTIVATIONS, DEFAULT_VECTOR_LIMITS.activations),
  };
}

/** A short, stable text for an architecture: the cache key and what the chart's tooltip shows. */
export function archKey(a: Architecture): string {
  if (a.kind === 'cut') return `cut[${a.foldPooling ? 'fold,' : ''}m${a.mergeDense},r${a.ratio}]`;
  if (a.kind === 'vector') return `mlp[${a.hidden.map((h) => `${h.units}${h.activation[0]}`).join(',')}]`;
  const ds = (d: Downsample) => (d === 'stride' ? '/s' : d === 'maxpool' ? '/p' : '');
  const blocks = a.blocks.map((b) => `${b.type === 'conv' ? 'c' : b.type === 'separable' ? 's' : `i${b.expansion}`}${b.kernel}x${b.width}${ds(b.downsample)}`);
  return `stem${a.stem.kernel}x${a.stem.width}${ds(a.stem.downsample)}|${blocks.join(',')}|${a.head.pool}${a.head.dense.map((d) => `-${d}`).join('')}`;
}

/** The architecture in words, e.g. "conv 5×5 16 → 2 blocks (sep 3×3 32 /2, …) → GAP → dense 10". */
export function describeArch(a: Architecture, classes: number, reference = 'the open model', linearAt?: number): string {
  if (a.kind === 'cut') return describeCut(a, reference, linearAt);
  if (a.kind === 'vector') return [...a.hidden.map((h) => `Dense ${h.units} ${h.activation}`), `Dense ${classes}`].join(' → ');
  const ds = (d: Downsample) => (d === 'stride' ? ' stride 2' : d === 'maxpool' ? ' + max-pool' : '');
  const name = (b: ImageBlock) =>
    b.type === 'conv' ? `Conv ${b.kernel}×${b.kernel} ${b.width}` : b.type === 'separable' ? `SepConv ${b.kernel}×${b.kernel} ${b.width}` : `MBConv${b.expansion} ${b.kernel}×${b.kernel} ${b.width}`;
  return [
    `Conv ${a.stem.kernel}×${a.stem.kernel} ${a.stem.width}${ds(a.stem.downsample)}`,
    ...a.blocks.map((b) => name(b) + ds(b.downsample)),
    a.head.pool === 'gap' ? 'GlobalAvgPool' : 'Flatten',
    ...a.head.dense.map((u) => `Dense ${u}`),
    `Dense ${classes}`,
  ].join(' → ');
}

/**
 * "lenet-5 cut: pooling folded into strides, 2 hidden Dense merged, 25% of filters/units removed";
 * with `linearAt` (CutSpace.linearAt) a cut that merges that many says it is a linear model.
 */
export function describeCut(a: CutArch, reference: string, linearAt?: number): string {
  const linear = linearAt !== undefined && a.mergeDense >= linearAt;
  const parts = [
    a.foldPooling ? 'pooling folded into strides' : null,
    a.mergeDense > 0 ? `${a.mergeDense} hidden Dense merged${linear ? ' (every hidden layer: a linear model, which caps its accuracy)' : ''}` : null,
    a.ratio > 0 ? `${Math.round(a.ratio * 100)}% of filters/units removed` : null,
  ].filter((p) => p !== null);
  return `${reference} cut: ${parts.join(', ') || 'nothing'} (its weights kept)`;
}
