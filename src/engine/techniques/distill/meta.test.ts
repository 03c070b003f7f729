import { describe, expect, it } from 'vitest';
import { BonsaiError } from '../../errors';
import type { LayerRow, ModelSummary } from '../../model/types';
import { DISTILL_DEFAULTS, DISTILL_META, estimateStudentSize, presetSize, type DistillConfig } from './meta';
import { presetLayers } from './presets';
import { repeatedBlockIndices } from './repeats';

const D = DISTILL_DEFAULTS;
const BAD: [string, unknown, RegExp][] = [
  ['width 0', { ...D, student: { kind: 'scaled', width: 0 } }, /student\.width/],
  ['width above 1', { ...D, student: { kind: 'scaled', width: 1.5 } }, /student\.width/],
  ['per-layer not whole', { ...D, student: { kind: 'scaled', width: 0.5, perLayer: { conv1: 2.5 } } }, /student\.perLayer\.conv1/],
  ['unknown preset', { ...D, student: { kind: 'preset', preset: 'resnet' } }, /student\.preset/],
  ['model without id', { ...D, student: { kind: 'model', ref: { kind: 'library', libraryId: '' } } }, /student\.ref/],
  ['unknown student kind', { ...D, student: { kind: 'nas' } }, /student\.kind/],
  ['teacher ref', { ...D, teacher: { kind: 'url' } }, /teacher/],
  ['temperature 0.5', { ...D, temperature: 0.5 }, /temperature/],
  ['temperature NaN', { ...D, temperature: NaN }, /temperature/],
  ['alpha 1.5', { ...D, alpha: 1.5 }, /alpha/],
  ['epochs 0', { ...D, train: { ...D.train, epochs: 0 } }, /train\.epochs/],
  ['learning rate', { ...D, train: { ...D.train, learningRate: -1 } }, /train\.learningRate/],
  ['augment', { ...D, augment: 'yes' }, /augment/],
  ['baseline', { ...D, baseline: undefined }, /baseline/],
];

describe('distill meta', () => {
  it('defaults and presets validate', () => {
    expect(DISTILL_META.validate(D)).toBe(D);
    for (const p of DISTILL_META.presets) expect(DISTILL_META.validate(p.config)).toBe(p.config);
    expect(DISTILL_META.presets.map((p) => p.label)).toContain('Unlabeled images (α = 0)');
    expect(DISTILL_META.intro).toMatch(/T = 4, α = 0\.5/);
  });

  it.each(BAD)('refuses %s with BAD_CONFIG naming the field', (_, config, field) => {
    let err: unknown;
    try {
      DISTILL_META.validate(config as DistillConfig);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BonsaiError);
    expect((err as BonsaiError).code).toBe('BAD_CONFIG');
    expect((err as BonsaiError).message).toMatch(field);
  });

  it('a GraphModel input cannot be scaled, but teaches presets and library students', () => {
    expect(DISTILL_META.unavailable?.(D, { format: 'graph' })).toMatch(/GraphModel cannot be scaled/);
    expect(DISTILL_META.unavailable?.(D, { format: 'layers' })).toBeNull();
    const tiny = DISTILL_META.presets.find((p) => p.id === 'tiny-cnn')!.config;
    expect(DISTILL_META.unavailable?.(tiny, { format: 'graph' })).toBeNull();
    expect(DISTILL_META.unavailable?.({ ...D, teacher: { kind: 'sample', sampleId: 'teacher-cnn' } }, { format: 'graph' })).toBeNull();
  });

  it('the MLP preset flattens images but takes a vector input as it is (TF.js Flatten refuses rank 2)', () => {
    expect(presetLayers('mlp', [784], 10).map((l) => l.type)).toEqual(['dense', 'dense']);
    expect(presetLayers('mlp', [28, 28, 1], 10).map((l) => l.type)).toEqual(['flatten', 'dense', 'dense']);
  });

  it('sizes presets for the input shape, and says why when it cannot', () => {
    expect(presetSize('mlp', [784], 10)).toEqual({ params: 784 * 64 + 64 + 64 * 10 + 10, flops: 2 * (784 * 64 + 64 * 10) });
    // Tiny CNN on 28×28×1: conv 8@3×3 (80) → conv 16@3×3 (1,168) → 7·7·16 → 10 (7,850).
    expect(presetSize('tiny-cnn', [28, 28, 1], 10).params).toBe(80 + 1168 + 7850);
    expect(estimateStudentSize(null, { kind: 'preset', preset: 'tiny-cnn' }, { shape: [784], classes: 10 })).toEqual({ unavailable: expect.stringMatching(/image inputs/) });
    expect(estimateStudentSize(null, { kind: 'scaled', width: 0.5 }, { shape: [784], classes: 10 })).toHaveProperty('unavailable');
    expect(estimateStudentSize(null, { kind: 'model', ref: { kind: 'library', libraryId: 'x' } }, { shape: [784], classes: 10 })).toHaveProperty('unavailable');
  });

  it('estimates a scaled MLP from summary rows alone', () => {
    const row = (name: string, type: string, out: number[], params: number, flops: number | null): LayerRow => ({ name, type, outputShape: [out], params, weightDtypes: [], flops });
    const summary = {
      format: 'layers', className: 'Sequential', inputs: [{ name: 'x', shape: [-1, 784], dtype: 'float32' }],
      layers: [row('fc1', 'Dense', [-1, 300], 235500, 2 * 235200), row('drop', 'Dropout', [-1, 300], 0, 0), row('fc2', 'Dense', [-1, 100], 30100, 60000), row('fc3', 'Dense', [-1, 10], 1010, 2000)],
    } as unknown as ModelSummary;
    const e = estimateStudentSize(summary, { kind: 'scaled', width: 0.1 }, { shape: [784], classes: 10 });
    expect(e).toMatchObject({ params: 784 * 30 + 30 + 30 * 10 + 10 + 10 * 10 + 10, exact: true, widths: [{ layer: 'fc1', teacher: 300, student: 30 }, { layer: 'fc2', teacher: 100, student: 10 }] });
  });

  it('finds repeated blocks, smallest first, never at or after the end', () => {
    const same = (a: string, b: string) => a === b;
    const weighted = (x: string) => x !== 'r';
    expect(repeatedBlockIndices(['a', 'c', 'r', 'c', 'r', 'c', 'r', 'd'], same, weighted)).toEqual([3, 4, 5, 6]);
    expect(repeatedBlockIndices(['a', 'a', 'a'], same, weighted)).toEqual([1, 2]);
    expect(repeatedBlockIndices(['a', 'a', 'a'], same, weighted, 2)).toEqual([1]);
    expect(repeatedBlockIndices(['r', 'r', 'x'], same, weighted)).toEqual([]);
  });
});
