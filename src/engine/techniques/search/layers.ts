/**
 * An architecture as its list of layers (no tf): kinds, configs, shapes, parameters and FLOPs,
 * worked out analytically. One source for three users: build.ts turns it into a LayersModel, the
 * latency table (latency-table.ts) times each distinct layer once, and the search checks the hard
 * constraints (parameters, FLOPs) before anything is built or trained.
 */
import { MIN_DOWNSAMPLE_SIZE, type Architecture, type Downsample, type ImageArch, type SearchSpace } from './space';

export type LayerKind = 'conv2d' | 'separableConv2d' | 'depthwiseConv2d' | 'maxPooling2d' | 'globalAveragePooling2d' | 'flatten' | 'dense' | 'add' | 'identity';

export interface LayerSpec {
  name: string;
  kind: LayerKind;
  /** Indexes of the layers feeding this one; -1 is the model input. */
  inputs: number[];
  /** Per-example input shape (of each input: `add` has two of the same shape). */
  inShape: number[];
  outShape: number[];
  kernel?: number;
  strides?: number;
  filters?: number;
  units?: number;
  activation?: 'relu' | 'tanh' | 'elu' | 'linear' | 'softmax';
  params: number;
  /** 2 × multiply-adds at batch 1, counted the way metrics/flops.ts counts the built layer. */
  flops: number;
}

const prod = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const half = (n: number) => Math.ceil(n / 2);

class Builder {
  layers: LayerSpec[] = [];
  last = -1;
  shape: number[];
  constructor(inputShape: number[]) {
    this.shape = inputShape;
  }
  push(spec: Omit<LayerSpec, 'inputs' | 'inShape'> & { inputs?: number[] }): number {
    this.layers.push({ inputs: [this.last], inShape: this.shape, ...spec });
    this.last = this.layers.length - 1;
    this.shape = spec.outShape;
    return this.last;
  }
  conv(name: string, kernel: number, filters: number, strides: number, activation: LayerSpec['activation']): void {
    const [h, w, c] = this.shape;
    const out = strides === 2 ? [half(h), half(w), filters] : [h, w, filters];
    this.push({ name, kind: 'conv2d', kernel, strides, filters, activation, outShape: out, params: kernel * kernel * c * filters + filters, flops: 2 * prod(out) * kernel * kernel * c });
  }
  separable(name: string, kernel: number, filters: number, strides: number): void {
    const [h, w, c] = this.shape;
    const out = strides === 2 ? [half(h), half(w), filters] : [h, w, filters];
    const positions = out[0] * out[1];
    this.push({ name, kind: 'separableConv2d', kernel, strides, filters, activation: 'relu', outShape: out, params: kernel * kernel * c + c * filters + filters, flops: 2 * (positions * kernel * kernel * c + prod(out) * c) });
  }
  depthwise(name: string, kernel: number, strides: number): void {
    const [h, w, c] = this.shape;
    const out = strides === 2 ? [half(h), half(w), c] : [h, w, c];
    this.push({ name, kind: 'depthwiseConv2d', kernel, strides, activation: 'relu', outShape: out, params: kernel * kernel * c + c, flops: 2 * prod(out) * kernel * kernel });
  }
  maxPool(name: string): void {
    const [h, w, c] = this.shape;
    this.push({ name, kind: 'maxPooling2d', outShape: [half(h), half(w), c], params: 0, flops: 0 });
  }
  dense(name: string, units: number, activation: LayerSpec['activation']): void {
    const n = prod(this.shape);
    this.push({ name, kind: 'dense', units, activation, outShape: [units], params: n * units + units, flops: 2 * n * units });
  }
}

/** Can this downsample run on maps of this size (never below MIN_DOWNSAMPLE_SIZE before halving)? */
export const canDownsample = (d: Downsample, size: number) => d === 'none' || size >= MIN_DOWNSAMPLE_SIZE;

function imageLayers(a: ImageArch, inputShape: number[], classes: number): LayerSpec[] {
  const b = new Builder(inputShape);
  const stride = (d: Downsample) => (d === 'stride' ? 2 : 1);
  b.conv('stem', a.stem.kernel, a.stem.width, stride(a.stem.downsample), 'relu');
  if (a.stem.downsample === 'maxpool') b.maxPool('stem_pool');
  a.blocks.forEach((block, i) => {
    const p = `b${i + 1}`;
    if (block.type === 'conv') b.conv(`${p}_conv`, block.kernel, block.width, stride(block.downsample), 'relu');
    else if (block.type === 'separable') b.separable(`${p}_sep`, block.kernel, block.width, stride(block.downsample));
    else {
      const start = b.last;
      const inShape = b.shape;
      if (block.expansion > 1) b.conv(`${p}_expand`, 1, inShape[2] * block.expansion, 1, 'relu');
      b.depthwise(`${p}_dw`, block.kernel, stride(block.downsample));
      b.conv(`${p}_project`, 1, block.width, 1, 'linear');
      // The residual when shapes allow: same size (no stride) and same width.
      if (block.downsample !== 'stride' && inShape[2] === block.width) {
        b.layers.push({ name: `${p}_add`, kind: 'add', inputs: [b.last, start], inShape: b.shape, outShape: b.shape, params: 0, flops: 0 });
        b.last = b.layers.length - 1;
      }
    }
    if (block.downsample === 'maxpool') b.maxPool(`${p}_pool`);
  });
  if (a.head.pool === 'gap') {
    const [, , c] = b.shape;
    b.push({ name: 'gap', kind: 'globalAveragePooling2d', outShape: [c], params: 0, flops: 0 });
  } else {
    b.push({ name: 'flatten', kind: 'flatten', outShape: [prod(b.shape)], params: 0, flops: 0 });
  }
  a.head.dense.forEach((u, i) => b.dense(`fc${i + 1}`, u, 'relu'));
  b.dense('classifier', classes, 'softmax');
  return b.layers;
}

/** The layers of `arch` for data of `space`'s shape, in build order. */
export function archLayers(arch: Architecture, space: SearchSpace): LayerSpec[] {
  if (arch.kind === 'cut') throw new Error('Error in search: a cut of the reference has no layer list of its own; it is built from the reference (cut-candidate.ts).');
  if (arch.kind === 'image') {
    if (space.kind !== 'image') throw new Error('Error in search: an image architecture needs an image space.');
    return imageLayers(arch, space.inputShape, space.classes);
  }
  if (space.kind !== 'vector') throw new Error('Error in search: a vector architecture needs a vector space.');
  const b = new Builder([space.inputSize]);
  arch.hidden.forEach((h, i) => b.dense(`fc${i + 1}`, h.units, h.activation));
  b.dense('classifier', space.classes, 'softmax');
  return b.layers;
}

export interface ArchCost {
  params: number;
  flops: number;
  /** float32 bytes of the weights (4 × params). */
  weightBytes: number;
}

export function archCost(layers: readonly LayerSpec[]): ArchCost {
  const params = layers.reduce((s, l) => s + l.params, 0);
  return { params, flops: layers.reduce((s, l) => s + l.flops, 0), weightBytes: 4 * params };
}

/**
 * Why an architecture is outside the space (empty when it is inside): every choice must be one the
 * space allows, and every downsample must start from maps of at least MIN_DOWNSAMPLE_SIZE.
 */
export function archProblems(arch: Architecture, space: SearchSpace): string[] {
  const problems: string[] = [];
  if (arch.kind === 'cut') {
    const c = space.cuts;
    if (!c) return ['a cut of the reference in a space without cuts'];
    if (!c.foldPooling.includes(arch.foldPooling)) problems.push(`pooling ${arch.foldPooling ? 'folded' : 'kept'} not allowed`);
    if (!c.mergeDense.includes(arch.mergeDense)) problems.push(`${arch.mergeDense} Dense merged not allowed`);
    if (!c.ratios.includes(arch.ratio)) problems.push(`ratio ${arch.ratio} not allowed`);
    if (!arch.foldPooling && arch.mergeDense === 0 && arch.ratio === 0) problems.push('cuts nothing (that is the reference itself)');
    return problems;
  }
  if (space.cuts?.only) return [`a ${arch.kind} architecture where only cuts of the reference are searched`];
  if (arch.kind !== space.kind) return [`a ${arch.kind} architecture in a ${space.kind} space`];
  if (arch.kind === 'vector' && space.kind === 'vector') {
    if (arch.hidden.length > space.maxLayers - 1) problems.push(`${arch.hidden.length + 1} dense layers > ${space.maxLayers}`);
    for (const h of arch.hidden) {
      if (!space.widths.includes(h.units)) problems.push(`width ${h.units} not allowed`);
      if (!space.activations.includes(h.activation)) problems.push(`activation ${h.activation} not allowed`);
    }
    return problems;
  }
  if (arch.kind !== 'image' || space.kind !== 'image') return problems;
  if (!space.stemWidths.includes(arch.stem.width)) problems.push(`stem width ${arch.stem.width} not allowed`);
  if (!space.stemKernels.includes(arch.stem.kernel)) problems.push(`stem kernel ${arch.stem.kernel} not allowed`);
  if (arch.blocks.length > space.maxBlocks) problems.push(`${arch.blocks.length} blocks > ${space.maxBlocks}`);
  let size = Math.min(space.inputShape[0], space.inputShape[1]);
  const step = (d: Downsample, where: string) => {
    if (!space.downsamples.includes(d)) problems.push(`${where}: downsample ${d} not allowed`);
    if (!canDownsample(d, size)) problems.push(`${where}: downsampling ${size}×${size} maps`);
    if (d !== 'none') size = half(size);
  };
  step(arch.stem.downsample, 'stem');
  arch.blocks.forEach((b, i) => {
    const where = `block ${i + 1}`;
    if (!space.blockTypes.includes(b.type)) problems.push(`${where}: type ${b.type} not allowed`);
    if (!space.kernels.includes(b.kernel)) problems.push(`${where}: kernel ${b.kernel} not allowed`);
    if (!space.widths.includes(b.width)) problems.push(`${where}: width ${b.width} not allowed`);
    if (b.type === 'inverted' ? !space.expansions.includes(b.expansion) : b.expansion !== 1) problems.push(`${where}: expansion ${b.expansion} not allowed`);
    step(b.downsample, where);
  });
  if (!space.headPools.includes(arch.head.pool)) problems.push(`head ${arch.head.pool} not allowed`);
  if (arch.head.dense.length > space.maxDense) problems.push(`${arch.head.dense.length} hidden dense layers > ${space.maxDense}`);
  for (const u of arch.head.dense) if (!space.denseUnits.includes(u)) problems.push(`dense width ${u} not allowed`);
  return problems;
}
