import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BonsaiError } from '../../errors';
import { mulberry32 } from '../../runtime/random';
import { archCost, archLayers, archProblems } from './layers';
import { drawArch, mutate, precheck, sampleValid, type Constraints } from './operators';
import { archKey, deriveSpace, describeArch, type CutArch, type ImageArch } from './space';

const IMAGE = deriveSpace([28, 28, 1], 10);
const VECTOR = deriveSpace([20], 3);

describe('deriveSpace', () => {
  it('gives a CNN space for images and an MLP space for anything else', () => {
    expect(IMAGE.kind).toBe('image');
    expect(VECTOR).toMatchObject({ kind: 'vector', inputSize: 20, classes: 3, maxLayers: 4 });
    expect(deriveSpace([4, 5], 2).kind).toBe('vector');
  });
  it('narrows by limits and refuses empty or unknown choices with the field named', () => {
    const s = deriveSpace([28, 28, 1], 10, { kernels: [3], maxBlocks: 2, blockTypes: ['separable'] });
    expect(s).toMatchObject({ kernels: [3], stemKernels: [3], maxBlocks: 2, blockTypes: ['separable'] });
    expect(() => deriveSpace([28, 28, 1], 10, { kernels: [] })).toThrow(/kernels must allow at least one value/);
    expect(() => deriveSpace([28, 28, 1], 10, { kernels: [7 as 3] })).toThrow(/kernels has 7/);
    expect(() => deriveSpace([28, 28, 1], 10, { maxBlocks: 99 })).toThrow(/maxBlocks/);
    expect(() => deriveSpace([28, 28, 1], 1)).toThrow(BonsaiError);
  });
});

describe('archLayers', () => {
  it('counts a hand-checked CNN: conv 5×5 8 /pool → MBConv3 3×3 8 (residual) → GAP → dense 10', () => {
    const a: ImageArch = {
      kind: 'image',
      stem: { width: 8, kernel: 5, downsample: 'maxpool' },
      blocks: [{ type: 'inverted', kernel: 3, width: 8, expansion: 3, downsample: 'none' }],
      head: { pool: 'gap', dense: [] },
    };
    const layers = archLayers(a, IMAGE);
    expect(layers.map((l) => l.kind)).toEqual(['conv2d', 'maxPooling2d', 'conv2d', 'depthwiseConv2d', 'conv2d', 'add', 'globalAveragePooling2d', 'dense']);
    expect(layers[5].inputs).toEqual([4, 1]);
    // stem 5·5·1·8+8 = 208; expand 8·24+24 = 216; dw 9·24+24 = 240; project 24·8+8 = 200; dense 8·10+10 = 90.
    expect(archCost(layers).params).toBe(208 + 216 + 240 + 200 + 90);
    expect(layers[layers.length - 2].outShape).toEqual([8]);
    expect(describeArch(a, 10)).toBe('Conv 5×5 8 + max-pool → MBConv3 3×3 8 → GlobalAvgPool → Dense 10');
  });
  it('drops the residual when the block strides or changes width', () => {
    const a: ImageArch = { kind: 'image', stem: { width: 8, kernel: 3, downsample: 'none' }, blocks: [{ type: 'inverted', kernel: 3, width: 16, expansion: 1, downsample: 'stride' }], head: { pool: 'flatten', dense: [32] } };
    const layers = archLayers(a, IMAGE);
    expect(layers.some((l) => l.kind === 'add')).toBe(false);
    expect(layers.find((l) => l.kind === 'flatten')!.outShape).toEqual([14 * 14 * 16]);
  });
});

describe('operators', () => {
  const constraints: Constraints = { maxParams: 50_000, maxFlops: 3_000_000 };
  it('sampleValid and mutate stay inside the space and the constraints (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.boolean(), (seed, vector) => {
        const space = vector ? VECTOR : IMAGE;
        const c: Constraints = vector ? { maxParams: 20_000 } : constraints;
        const rng = mulberry32(seed);
        const parent = sampleValid(space, c, rng);
        expect(archProblems(parent, space)).toEqual([]);
        expect(precheck(parent, space, c)).toBeNull();
        const child = mutate(parent, space, c, rng);
        expect(archProblems(child.arch, space)).toEqual([]);
        expect(precheck(child.arch, space, c)).toBeNull();
        expect(archKey(child.arch)).not.toBe(archKey(parent));
        const cost = archCost(archLayers(child.arch, space));
        expect(cost.params).toBeLessThanOrEqual(c.maxParams!);
      }),
      { numRuns: 300, seed: 42 },
    );
  });
  it('draws respect a narrowed space (no 5×5, ≤ 2 blocks)', () => {
    const space = deriveSpace([28, 28, 1], 10, { kernels: [3], maxBlocks: 2 });
    const rng = mulberry32(3);
    for (let i = 0; i < 200; i++) {
      const a = drawArch(space, rng) as ImageArch;
      expect(a.blocks.length).toBeLessThanOrEqual(2);
      expect([a.stem.kernel, ...a.blocks.map((b) => b.kernel)].every((k) => k === 3)).toBe(true);
      expect(archProblems(a, space)).toEqual([]);
    }
  });
  it('never downsamples maps smaller than 4×4', () => {
    const space = deriveSpace([8, 8, 1], 10, { downsamples: ['stride'], maxBlocks: 6 });
    const rng = mulberry32(9);
    for (let i = 0; i < 100; i++) {
      const a = drawArch(space, rng) as ImageArch;
      // 8 → 4 → 2: at most the stem and one block can halve; later blocks cannot be added.
      expect(a.blocks.length).toBeLessThanOrEqual(1);
      expect(archProblems(a, space)).toEqual([]);
    }
  });
  it('says when the constraints leave nothing to draw', () => {
    expect(() => sampleValid(IMAGE, { maxParams: 10 }, mulberry32(1), 50)).toThrow(/none of 50 architectures .* met the constraints/);
  });
  it('is seeded: the same seed draws the same architectures', () => {
    const a = Array.from({ length: 5 }, (_, i) => archKey(sampleValid(IMAGE, constraints, mulberry32(100 + i))));
    const b = Array.from({ length: 5 }, (_, i) => archKey(sampleValid(IMAGE, constraints, mulberry32(100 + i))));
    expect(a).toEqual(b);
    expect(new Set(a).size).toBeGreaterThan(1);
  });
});

describe('cuts of the reference in the space', () => {
  const LENET = { name: 'lenet-5', canFold: true, maxMerge: 2 };
  const constraints: Constraints = { maxParams: 50_000, maxFlops: 3_000_000 };
  it('derives the cut choices from what the reference allows, and refuses a space with nothing to cut', () => {
    const s = deriveSpace([28, 28, 1], 10, { cuts: 'also' }, LENET);
    expect(s.cuts).toEqual({ reference: 'lenet-5', foldPooling: [false, true], mergeDense: [0, 1, 2], ratios: [0, 0.25, 0.5], only: false });
    expect(deriveSpace([28, 28, 1], 10, {}, LENET).cuts).toBeUndefined();
    expect(() => deriveSpace([28, 28, 1], 10, { cuts: 'only' })).toThrow(/need the open model as the reference/);
    expect(() => deriveSpace([20], 3, { cuts: 'only', cutRatios: [0] }, { name: 'mlp', canFold: false, maxMerge: 0 })).toThrow(/no cut to search/);
    expect(() => deriveSpace([28, 28, 1], 10, { cuts: 'only', cutRatios: [0.95] }, LENET)).toThrow(/cutRatios must be fractions in 0..0.9/);
    expect(() => deriveSpace([28, 28, 1], 10, { cuts: 'some' as 'only' }, LENET)).toThrow(/cuts is "some"/);
  });
  it('"only" draws cuts alone, never the reference itself; "also" draws both families; mutations stay inside (property)', () => {
    const only = deriveSpace([28, 28, 1], 10, { cuts: 'only' }, LENET);
    const also = deriveSpace([28, 28, 1], 10, { cuts: 'also', maxBlocks: 1 }, LENET);
    const kinds = new Set<string>();
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.boolean(), (seed, onlyCuts) => {
        const space = onlyCuts ? only : also;
        const rng = mulberry32(seed);
        const parent = sampleValid(space, constraints, rng);
        kinds.add(`${onlyCuts}:${parent.kind}`);
        if (onlyCuts) expect(parent.kind).toBe('cut');
        expect(archProblems(parent, space)).toEqual([]);
        if (parent.kind === 'cut') expect(parent.foldPooling || parent.mergeDense > 0 || parent.ratio > 0).toBe(true);
        const child = mutate(parent, space, constraints, rng);
        expect(archProblems(child.arch, space)).toEqual([]);
        expect(archKey(child.arch)).not.toBe(archKey(parent));
      }),
      { numRuns: 300, seed: 7 },
    );
    expect([...kinds].sort()).toEqual(['false:cut', 'false:image', 'true:cut']);
  });
  it('names a cut by what it removes, and keys it stably', () => {
    const a: CutArch = { kind: 'cut', foldPooling: true, mergeDense: 2, ratio: 0.25 };
    expect(archKey(a)).toBe('cut[fold,m2,r0.25]');
    expect(describeArch(a, 10, 'lenet-5')).toBe('lenet-5 cut: pooling folded into strides, 2 hidden Dense merged, 25% of filters/units removed (its weights kept)');
    expect(archProblems({ kind: 'cut', foldPooling: false, mergeDense: 0, ratio: 0 }, deriveSpace([28, 28, 1], 10, { cuts: 'only' }, LENET))).toEqual(['cuts nothing (that is the reference itself)']);
    expect(archProblems(a, IMAGE)).toEqual(['a cut of the reference in a space without cuts']);
  });
  it('an MLP whose hidden layers can all be merged: the space knows from where a cut is linear, and its name says so', () => {
    const mlp = { name: 'lenet-300-100', canFold: false, maxMerge: 2, linearWhenAllMerged: true };
    const space = deriveSpace([28, 28, 1], 10, { cuts: 'only' }, mlp);
    expect(space.cuts?.linearAt).toBe(2);
    expect(deriveSpace([28, 28, 1], 10, { cuts: 'only' }, LENET).cuts?.linearAt).toBeUndefined();
    const all: CutArch = { kind: 'cut', foldPooling: false, mergeDense: 2, ratio: 0 };
    expect(describeArch(all, 10, 'lenet-300-100', space.cuts?.linearAt)).toBe('lenet-300-100 cut: 2 hidden Dense merged (every hidden layer: a linear model, which caps its accuracy) (its weights kept)');
    expect(describeArch({ ...all, mergeDense: 1 }, 10, 'lenet-300-100', space.cuts?.linearAt)).toBe('lenet-300-100 cut: 1 hidden Dense merged (its weights kept)');
  });
});
