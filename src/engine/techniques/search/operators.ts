/**
 * Drawing and mutating architectures (no tf), seeded: the same random source gives the same
 * architectures. Every architecture returned is inside the space (archProblems is empty) and
 * within the constraints that can be checked before building (parameters, FLOPs); gzip bytes and
 * latency are checked on the built model (run.ts).
 */
import { BonsaiError } from '../../errors';
import { archCost, archLayers, archProblems, canDownsample } from './layers';
import { archKey, type Architecture, type CutArch, type CutSpace, type Downsample, type ImageArch, type ImageBlock, type ImageSpace, type SearchSpace, type VectorArch, type VectorSpace } from './space';

export type Random = () => number;

export interface Constraints {
  maxParams?: number | null;
  maxGzipBytes?: number | null;
  maxFlops?: number | null;
  maxLatencyMs?: number | null;
  /**
   * At most this fraction of the reference model's latency (0.5: twice as fast), each candidate
   * timed interleaved with the reference, so a change in machine load does not move the cap.
   * Needs the reference; checked after timing, like maxLatencyMs.
   */
  maxLatencyVsReference?: number | null;
}

export const pick = <T>(rng: Random, xs: readonly T[]): T => xs[Math.min(xs.length - 1, Math.floor(rng() * xs.length))];
const intTo = (rng: Random, max: number) => Math.min(max, Math.floor(rng() * (max + 1)));

function drawBlock(space: ImageSpace, rng: Random, size: number): ImageBlock | null {
  const downs = space.downsamples.filter((d) => canDownsample(d, size));
  if (!downs.length) return null;
  const type = pick(rng, space.blockTypes);
  return {
    type,
    kernel: pick(rng, space.kernels),
    width: pick(rng, space.widths),
    expansion: type === 'inverted' ? pick(rng, space.expansions) : 1,
    downsample: pick(rng, downs),
  };
}

const shrink = (d: Downsample, size: number) => (d === 'none' ? size : Math.ceil(size / 2));

function drawImage(space: ImageSpace, rng: Random): ImageArch {
  let size = Math.min(space.inputShape[0], space.inputShape[1]);
  const stemDowns = space.downsamples.filter((d) => canDownsample(d, size));
  const stem = { width: pick(rng, space.stemWidths), kernel: pick(rng, space.stemKernels), downsample: pick(rng, stemDowns.length ? stemDowns : space.downsamples) };
  size = shrink(stem.downsample, size);
  const n = intTo(rng, space.maxBlocks);
  const blocks: ImageBlock[] = [];
  for (let i = 0; i < n; i++) {
    const b = drawBlock(space, rng, size);
    if (!b) break;
    blocks.push(b);
    size = shrink(b.downsample, size);
  }
  const pool = pick(rng, space.headPools);
  const dense = Array.from({ length: intTo(rng, space.maxDense) }, () => pick(rng, space.denseUnits)).sort((a, b) => b - a);
  return { kind: 'image', stem, blocks, head: { pool, dense } };
}

function drawVector(space: VectorSpace, rng: Random): VectorArch {
  const n = intTo(rng, space.maxLayers - 1);
  return { kind: 'vector', hidden: Array.from({ length: n }, () => ({ units: pick(rng, space.widths), activation: pick(rng, space.activations) })) };
}

function drawCut(space: CutSpace, rng: Random): CutArch {
  return { kind: 'cut', foldPooling: pick(rng, space.foldPooling), mergeDense: pick(rng, space.mergeDense), ratio: pick(rng, space.ratios) };
}

/**
 * One architecture drawn uniformly per choice (may violate constraints: see sampleValid). With cuts
 * of the reference in the space (and not only those), a draw is a cut or a fresh architecture with
 * even odds.
 */
export function drawArch(space: SearchSpace, rng: Random): Architecture {
  if (space.cuts && (space.cuts.only || rng() < 0.5)) return drawCut(space.cuts, rng);
  return space.kind === 'image' ? drawImage(space, rng) : drawVector(space, rng);
}

/** Why the architecture breaks a constraint checkable before building (null when it does not). */
export function precheck(arch: Architecture, space: SearchSpace, c: Constraints): string | null {
  const problems = archProblems(arch, space);
  if (problems.length) return `outside the space: ${problems.join('; ')}`;
  // A cut's parameters and FLOPs are known once it is cut from the reference (checked in run.ts).
  if (arch.kind === 'cut') return null;
  const cost = archCost(archLayers(arch, space));
  if (c.maxParams != null && cost.params > c.maxParams) return `${cost.params.toLocaleString('en-US')} parameters > ${c.maxParams.toLocaleString('en-US')}`;
  if (c.maxFlops != null && cost.flops > c.maxFlops) return `${cost.flops.toLocaleString('en-US')} FLOPs > ${c.maxFlops.toLocaleString('en-US')}`;
  // float32 weights barely compress: a model far above the gzip cap cannot meet it.
  if (c.maxGzipBytes != null && 0.8 * cost.weightBytes > c.maxGzipBytes) return `≈${Math.round(0.8 * cost.weightBytes / 1024)} KB gzip > ${Math.round(c.maxGzipBytes / 1024)} KB`;
  return null;
}

/** Draw until an architecture is inside the space and the pre-build constraints. */
export function sampleValid(space: SearchSpace, c: Constraints, rng: Random, tries = 1000): Architecture {
  let why = '';
  for (let i = 0; i < tries; i++) {
    const a = drawArch(space, rng);
    const p = precheck(a, space, c);
    if (!p) return a;
    why = p;
  }
  throw new BonsaiError('BAD_CONFIG', `Error in search: none of ${tries} architectures drawn from the space met the constraints (last: ${why}).`,
    'Loosen the constraints (max parameters, FLOPs, size) or widen the search space.');
}

type Mutation = (a: Architecture, space: SearchSpace, rng: Random) => Architecture | null;

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;
const other = <T>(rng: Random, xs: readonly T[], current: T): T | null => {
  const rest = xs.filter((x) => x !== current);
  return rest.length ? pick(rng, rest) : null;
};

function onBlock(f: (b: ImageBlock, space: ImageSpace, rng: Random) => boolean): Mutation {
  return (a, space, rng) => {
    if (a.kind !== 'image' || space.kind !== 'image' || !a.blocks.length) return null;
    const c = clone(a);
    return f(c.blocks[Math.floor(rng() * c.blocks.length)], space, rng) ? c : null;
  };
}

const IMAGE_MUTATIONS: Record<string, Mutation> = {
  'block type': onBlock((b, s, r) => {
    const t = other(r, s.blockTypes, b.type);
    if (!t) return false;
    b.type = t;
    b.expansion = t === 'inverted' ? pick(r, s.expansions) : 1;
    return true;
  }),
  width: onBlock((b, s, r) => {
    const w = other(r, s.widths, b.width);
    return w !== null && ((b.width = w), true);
  }),
  kernel: onBlock((b, s, r) => {
    const k = other(r, s.kernels, b.kernel);
    return k !== null && ((b.kernel = k), true);
  }),
  expansion: onBlock((b, s, r) => {
    if (b.type !== 'inverted') return false;
    const e = other(r, s.expansions, b.expansion);
    return e !== null && ((b.expansion = e), true);
  }),
  downsample: onBlock((b, s, r) => {
    const d = other(r, s.downsamples, b.downsample);
    return d !== null && ((b.downsample = d), true);
  }),
  'add block': (a, space, rng) => {
    if (a.kind !== 'image' || space.kind !== 'image' || a.blocks.length >= space.maxBlocks) return null;
    const c = clone(a);
    const at = intTo(rng, c.blocks.length);
    const b = drawBlock(space, rng, Infinity);
    if (!b) return null;
    c.blocks.splice(at, 0, b);
    return c;
  },
  'remove block': (a, _space, rng) => {
    if (a.kind !== 'image' || !a.blocks.length) return null;
    const c = clone(a);
    c.blocks.splice(Math.floor(rng() * c.blocks.length), 1);
    return c;
  },
  stem: (a, space, rng) => {
    if (a.kind !== 'image' || space.kind !== 'image') return null;
    const c = clone(a);
    const which = Math.floor(rng() * 3);
    if (which === 0) {
      const w = other(rng, space.stemWidths, c.stem.width);
      if (w === null) return null;
      c.stem.width = w;
    } else if (which === 1) {
      const k = other(rng, space.stemKernels, c.stem.kernel);
      if (k === null) return null;
      c.stem.kernel = k;
    } else {
      const d = other(rng, space.downsamples, c.stem.downsample);
      if (d === null) return null;
      c.stem.downsample = d;
    }
    return c;
  },
  head: (a, space, rng) => {
    if (a.kind !== 'image' || space.kind !== 'image') return null;
    const c = clone(a);
    const which = Math.floor(rng() * 3);
    if (which === 0) {
      const p = other(rng, space.headPools, c.head.pool);
      if (!p) return null;
      c.head.pool = p;
    } else if (which === 1 && c.head.dense.length < space.maxDense) c.head.dense.push(pick(rng, space.denseUnits));
    else if (c.head.dense.length) c.head.dense.splice(Math.floor(rng() * c.head.dense.length), 1);
    else return null;
    c.head.dense.sort((x, y) => y - x);
    return c;
  },
};

const VECTOR_MUTATIONS: Record<string, Mutation> = {
  width: (a, space, rng) => {
    if (a.kind !== 'vector' || space.kind !== 'vector' || !a.hidden.length) return null;
    const c = clone(a);
    const h = c.hidden[Math.floor(rng() * c.hidden.length)];
    const w = other(rng, space.widths, h.units);
    return w === null ? null : ((h.units = w), c);
  },
  activation: (a, space, rng) => {
    if (a.kind !== 'vector' || space.kind !== 'vector' || !a.hidden.length) return null;
    const c = clone(a);
    const h = c.hidden[Math.floor(rng() * c.hidden.length)];
    const act = other(rng, space.activations, h.activation);
    return act === null ? null : ((h.activation = act), c);
  },
  'add layer': (a, space, rng) => {
    if (a.kind !== 'vector' || space.kind !== 'vector' || a.hidden.length >= space.maxLayers - 1) return null;
    const c = clone(a);
    c.hidden.splice(intTo(rng, c.hidden.length), 0, { units: pick(rng, space.widths), activation: pick(rng, space.activations) });
    return c;
  },
  'remove layer': (a, _space, rng) => {
    if (a.kind !== 'vector' || !a.hidden.length) return null;
    const c = clone(a);
    c.hidden.splice(Math.floor(rng() * c.hidden.length), 1);
    return c;
  },
};

function onCut(f: (a: CutArch, space: CutSpace, rng: Random) => boolean): Mutation {
  return (a, space, rng) => {
    if (a.kind !== 'cut' || !space.cuts) return null;
    const c = clone(a);
    return f(c, space.cuts, rng) ? c : null;
  };
}

const CUT_MUTATIONS: Record<string, Mutation> = {
  pooling: onCut((a, s, r) => {
    const v = other(r, s.foldPooling, a.foldPooling);
    return v !== null && ((a.foldPooling = v), true);
  }),
  'dense merged': onCut((a, s, r) => {
    const v = other(r, s.mergeDense, a.mergeDense);
    return v !== null && ((a.mergeDense = v), true);
  }),
  ratio: onCut((a, s, r) => {
    const v = other(r, s.ratios, a.ratio);
    return v !== null && ((a.ratio = v), true);
  }),
};

export const MUTATION_NAMES = { image: Object.keys(IMAGE_MUTATIONS), vector: Object.keys(VECTOR_MUTATIONS), cut: Object.keys(CUT_MUTATIONS) };

/**
 * One mutation of `parent` (Real et al. 2019: one change per child): a block's type, width,
 * kernel, expansion or downsample, a block added or removed, the stem or the head changed (a cut
 * of the reference: its pooling fold, Dense merges or ratio). The
 * child differs from the parent and is inside the space and the pre-build constraints; after
 * `tries` failed attempts a fresh valid architecture is drawn instead (and `mutation` says so).
 */
export function mutate(parent: Architecture, space: SearchSpace, c: Constraints, rng: Random, tries = 50): { arch: Architecture; mutation: string } {
  const table = parent.kind === 'cut' ? CUT_MUTATIONS : parent.kind === 'image' ? IMAGE_MUTATIONS : VECTOR_MUTATIONS;
  const names = Object.keys(table);
  const key = archKey(parent);
  for (let i = 0; i < tries; i++) {
    const name = pick(rng, names);
    const child = table[name](parent, space, rng);
    if (child && archKey(child) !== key && !precheck(child, space, c)) return { arch: child, mutation: name };
  }
  return { arch: sampleValid(space, c, rng), mutation: 'fresh draw (no valid mutation found)' };
}
