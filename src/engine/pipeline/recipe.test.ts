import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BonsaiError } from '../errors';
import { disposeLoaded } from '../model/load';
import type { LoadedModel } from '../model/loaded';
import { TECHNIQUE_CATALOG } from '../techniques/catalog';
import { TECHNIQUES } from '../techniques/registry';
import type { Technique, TechniqueOutput } from '../techniques/types';
import { describeEachBackend } from '../test-utils/backends';
import { loadedLayers } from '../test-utils/model-fixtures';
import { denseClassifier } from '../test-utils/train-fixtures';
import { runRecipe, type OutputInfo, type RecipeOptions } from './recipe';
import { SCALE } from './test-utils/throwaway-technique';

const REGISTRY = { ...TECHNIQUES, scale: SCALE as Technique<unknown> };

function options(input: LoadedModel, steps: RecipeOptions['steps'], extra: Partial<RecipeOptions> = {}) {
  const outputs: [TechniqueOutput, OutputInfo][] = [];
  const opened: LoadedModel[] = [];
  const opts: RecipeOptions = {
    input,
    steps,
    data: {},
    registry: REGISTRY,
    progress: () => {},
    openRef: async () => {
      const m = await loadedLayers(denseClassifier({ inputs: 4, hidden: [3], classes: 2 }));
      opened.push(m);
      return m;
    },
    onOutput: async (o, info) => void outputs.push([o, info]),
    ...extra,
  };
  return { opts, outputs, opened };
}

it('the catalog (UI) and the registry (worker) list the same techniques, each meta under its own id', () => {
  expect(Object.keys(TECHNIQUES).sort()).toEqual(Object.keys(TECHNIQUE_CATALOG).sort());
  for (const [id, meta] of Object.entries(TECHNIQUE_CATALOG)) {
    expect(meta.id).toBe(id);
    expect((TECHNIQUES as Record<string, Technique<unknown>>)[id].meta).toBe(meta);
    for (const p of meta.presets) expect(() => meta.validate(p.config)).not.toThrow();
    // Every step of every recipe preset is valid for the technique it names.
    for (const r of meta.recipes ?? []) for (const step of r.steps) expect(() => (TECHNIQUES as Record<string, Technique<unknown>>)[step.technique].meta.validate(step.config)).not.toThrow();
  }
});

describeEachBackend('runRecipe', () => {
  let input: LoadedModel;
  beforeAll(async () => {
    input = await loadedLayers(denseClassifier({ inputs: 8, hidden: [4], classes: 3 }));
  });
  afterAll(() => disposeLoaded(input));

  it('tells each step the display name of its input: the open model, then the previous variant', async () => {
    const seen: (string | undefined)[] = [];
    const naming: Technique<unknown> = { meta: SCALE.meta as Technique<unknown>['meta'], run: (ctx, config) => (seen.push(ctx.nameOf?.(ctx.input)), SCALE.run(ctx, config as never)) };
    const { opts } = options(input, [
      { technique: 'naming', config: { factor: 2, report: false } },
      { technique: 'naming', config: { factor: 0.5, report: false } },
    ], { registry: { ...REGISTRY, naming }, inputName: 'lenet-5' });
    await runRecipe(opts);
    expect(seen).toEqual(['lenet-5', 'lenet-5 · × 2']);
  });

  it('runs a throwaway technique registered only in the registry passed in, chaining two steps', async () => {
    const { opts, outputs } = options(input, [
      { technique: 'scale', config: { factor: 2, report: false } },
      { technique: 'scale', config: { factor: 0.25, report: true } },
    ]);
    const final = await runRecipe(opts);
    expect(final.kind).toBe('variant');
    // Step 1's variant is a node of the tree; then what step 2 emits (a report); then the final
    // variant, the node's child, with its own step only.
    expect(outputs.map(([o, i]) => [o.kind, i.final, !!i.intermediate, i.stepIndex])).toEqual([['variant', false, true, 0], ['report', false, false, 1], ['variant', true, false, 1]]);
    expect(outputs[0][1]).toMatchObject({ step: 'weights × 2', steps: [{ technique: 'scale', config: { factor: 2, report: false } }] });
    const [, info] = outputs[2];
    expect(info.step).toBe('weights × 0.25');
    expect(info.steps).toEqual([{ technique: 'scale', config: { factor: 0.25, report: true } }]);
    // The weights really went through both steps: × 2 × 0.25 = × 0.5.
    if (final.kind !== 'variant' || input.format !== 'layers') throw new Error('expected a variant');
    const { prepareModel } = await import('../model/validate');
    const { loadPrepared } = await import('../model/load');
    const out = await loadPrepared(prepareModel(final.files));
    try {
      if (out.format !== 'layers') throw new Error('layers');
      const [a, b] = [input.model.getWeights()[0], out.model.getWeights()[0]];
      const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(tf.mul(a, 0.5), b))));
      expect((await diff.data())[0]).toBeLessThan(1e-6);
      diff.dispose();
    } finally {
      disposeLoaded(out);
    }
    expect(final.notes).toEqual(['scaled']); // deduplicated across steps
  });

  it('a model a step resolves (a teacher) is disposed when the step ends', async () => {
    const { opts, opened } = options(input, [{ technique: 'scale', config: { factor: 1, report: false, teacherSample: 'any' } }]);
    await runRecipe(opts);
    expect(opened).toHaveLength(1);
    // Disposed: its weights are gone.
    expect(() => (opened[0].format === 'layers' ? opened[0].model.getWeights()[0].dataSync() : null)).toThrow();
  });

  it('validates every step before any work, and names an unknown technique', async () => {
    let ran = 0;
    const counting = { ...REGISTRY, scale: { ...SCALE, run: async (...a: Parameters<typeof SCALE.run>) => (ran++, SCALE.run(...a)) } as Technique<unknown> };
    const bad = options(input, [{ technique: 'scale', config: { factor: 2, report: false } }, { technique: 'scale', config: { factor: 'x' } }], { registry: counting });
    await expect(runRecipe(bad.opts)).rejects.toMatchObject({ code: 'BAD_CONFIG', message: expect.stringMatching(/factor/) });
    expect(ran).toBe(0);
    const unknown = options(input, [{ technique: 'nope', config: {} }]);
    await expect(runRecipe(unknown.opts)).rejects.toMatchObject({ code: 'BAD_CONFIG', message: expect.stringMatching(/unknown technique "nope"/) });
    await expect(runRecipe(options(input, []).opts)).rejects.toBeInstanceOf(BonsaiError);
  });

  it('a cancelled recipe stops between steps and leaks nothing', async () => {
    const controller = new AbortController();
    const { opts, outputs } = options(input, [
      { technique: 'scale', config: { factor: 2, report: false } },
      { technique: 'scale', config: { factor: 2, report: false } },
    ], {
      signal: controller.signal,
      progress: () => {},
    });
    const first = SCALE.run;
    const registry = { ...REGISTRY, scale: { ...SCALE, run: async (...a: Parameters<typeof SCALE.run>) => { const r = await first(...a); controller.abort(); return r; } } as Technique<unknown> };
    await expect(runRecipe({ ...opts, registry })).rejects.toMatchObject({ name: 'AbortError' });
    // The step that finished before the cancel is a complete node and is kept; nothing after it ran.
    expect(outputs.map(([o, i]) => [o.kind, i.intermediate, i.stepIndex])).toEqual([['variant', true, 0]]);
  });

  it('a report step (int8 simulation) reaches the caller as a report, with no files', async () => {
    const { opts, outputs } = options(input, [{ technique: 'quantize', config: { method: 'simulate', calibration: 'minmax', calibrationSize: 8 } }]);
    const x = tf.randomUniform([16, 8], 0, 1, 'float32', 1);
    const y = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0], 'int32'), 3));
    try {
      const final = await runRecipe({ ...opts, data: { train: { xs: x, ys: y, count: 16 }, validation: { xs: x, ys: y, count: 16 } } });
      expect(final.kind).toBe('report');
      expect(outputs[0][0]).not.toHaveProperty('files');
      if (final.kind === 'report') expect(final.values?.int8Accuracy).toEqual(expect.any(Number));
    } finally {
      x.dispose();
      y.dispose();
    }
  });
});
