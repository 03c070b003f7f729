/**
 * A throwaway technique, written the way a new technique folder would be (meta + run, nothing
 * else), used by tests to prove that registering one needs no other file: the recipe runner runs
 * it (recipe.test.ts) and the UI shows it as a tab (src/ui/techniques/registry.test.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { BonsaiError } from '../../errors';
import { cloneLayersModel, serializeLayersModel } from '../../model/serialize';
import { reportOutput, variantOutput, type Technique, type TechniqueMeta } from '../../techniques/types';

export interface ScaleConfig {
  /** Every weight is multiplied by this. */
  factor: number;
  /** Also resolve this sample as a "teacher" and report its parameter count. */
  teacherSample?: string;
  /** Also emit a report before the variant. */
  report: boolean;
}

export const SCALE_META: TechniqueMeta<ScaleConfig> = {
  id: 'scale',
  label: 'Scale weights',
  intro: 'Multiplies every weight by a factor. A test fixture, not a product feature.',
  defaults: { factor: 0.5, report: false },
  presets: [{ id: 'half', label: 'Half', description: 'Halve every weight.', config: { factor: 0.5, report: false } }],
  chartKeys: ['factor'],
  validate(c) {
    if (typeof c?.factor !== 'number' || !Number.isFinite(c.factor)) throw new BonsaiError('BAD_CONFIG', `Error in scale: factor must be a finite number, got ${JSON.stringify(c?.factor)}.`, 'Try 0.5.');
    return c;
  },
};

export const SCALE: Technique<ScaleConfig> = {
  meta: SCALE_META,
  async run(ctx, config) {
    if (ctx.input.format !== 'layers') throw new BonsaiError('NOT_TRAINABLE', 'scale needs a LayersModel.');
    if (config.teacherSample) {
      const teacher = await ctx.resolveModel({ kind: 'sample', sampleId: config.teacherSample });
      ctx.progress('teacher opened', 1, 2, { series: 'teacher', x: 0, y: teacher.prepared.shards.length });
    }
    if (config.report) {
      await ctx.emit(reportOutput({ title: 'Weights seen', step: 'counted weights', perLayer: [], notes: ['a report emitted mid-run'], values: { weights: ctx.input.model.getWeights().length } }));
    }
    const copy = await cloneLayersModel(ctx.input.model);
    try {
      const scaled = tf.tidy(() => copy.getWeights().map((w) => tf.mul(w, config.factor)));
      copy.setWeights(scaled);
      tf.dispose(scaled);
      return variantOutput({
        files: await serializeLayersModel(copy),
        name: `× ${config.factor}`,
        step: `weights × ${config.factor}`,
        perLayer: copy.layers.map((l) => ({ layer: l.name, factor: config.factor })),
        notes: ['scaled'],
      });
    } finally {
      copy.dispose();
    }
  },
};
