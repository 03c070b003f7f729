/**
 * Unstructured pruning of a LayersModel (magnitude, one-shot or gradual; N:M), always on a clone:
 * masks applied, optional fine-tuning with the masks re-applied after every step, then the clone
 * written as TF.js files. A cancel or an error disposes the clone and the masks and returns nothing.
 */
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { BonsaiError } from '../../errors';
import type { LoadedModel } from '../../model/loaded';
import { cloneLayersModel, serializeLayersModel } from '../../model/serialize';
import { orderUnitsForGzip } from '../quantize/unit-order';
import { checkpoint } from '../../runtime/yield';
import type { TrainHistory } from '../../train/meta';
import type { TechniqueContext, TechniqueData, VariantOutput } from '../types';
import { fineTune, requireTrainSplit, totalSteps } from './fine-tune';
import { magnitudeMasks, nmMasks } from './magnitude';
import { applyMasks, disposeMasks, isMaskUpdateStep, polynomialSparsity, prunableWeights, type MaskSet, type PrunableSelection, type PrunableWeight } from './masks';
import type { GradualSchedule, MagnitudePruneConfig, NMPruneConfig, TrainSettings } from './meta';
import { checkLayerNames, percent, skippedNote, sparsityRows, SPARSE_LATENCY_NOTE } from './report';

type LayersInput = Extract<LoadedModel, { format: 'layers' }>;

interface PruneJob {
  select(model: LayersModel): PrunableSelection;
  /** Masks before any training step (empty: nothing pruned yet). */
  initialMasks(weights: PrunableWeight[]): Promise<MaskSet>;
  /** Gradual schedules: fresh masks at this step, or null to keep the current ones. */
  masksAt?(step: number, weights: PrunableWeight[]): Promise<MaskSet | null>;
  fineTune?: TrainSettings;
  /** Why fine-tuning cannot be dropped when there is no training data; null when it can be. */
  needsTraining: string | null;
  describe(fineTuned: TrainSettings | null): { name: string; step: string };
  notes: string[];
}

async function runJob(input: LayersInput, data: TechniqueData, ctx: TechniqueContext, job: PruneJob): Promise<VariantOutput> {
  const notes = [...job.notes];
  let settings = job.fineTune ?? null;
  if (settings && !(data.train && data.train.count > 0)) {
    if (job.needsTraining) requireTrainSplit(data, job.needsTraining);
    notes.push('No training data: pruned one-shot, without fine-tuning — expect a larger accuracy drop than with fine-tuning.');
    settings = null;
  }
  ctx.progress('prepare', 0, 1);
  const model = await cloneLayersModel(input.model);
  let masks: MaskSet = new Map();
  try {
    const selection = job.select(model);
    if (selection.weights.length === 0) {
      throw new BonsaiError('BAD_CONFIG', 'Error in prune: no layer of this model is left to prune (every prunable layer is skipped or too small).',
        'Lower minLayerParams, take layers off the skip list, or name a layer in perLayer.');
    }
    ctx.progress('masks', 0, 1);
    masks = await job.initialMasks(selection.weights);
    applyMasks(model, masks);
    ctx.progress('masks', 1, 1);
    await checkpoint(ctx.signal);

    let history: TrainHistory | undefined;
    if (settings && data.train) {
      history = await fineTune(model, data.train, data.validation, settings, ctx, {
        original: input.model,
        phase: 'fine-tune',
        afterStep: async (step) => {
          const next = job.masksAt ? await job.masksAt(step, selection.weights) : null;
          if (next) {
            disposeMasks(masks);
            masks = next;
          }
          applyMasks(model, masks);
        },
      });
    }
    ctx.progress('export', 0, 1);
    const files = orderUnitsForGzip(await serializeLayersModel(model), model, notes);
    const perLayer = await sparsityRows(model, selection);
    ctx.progress('export', 1, 1);
    const skipped = skippedNote(selection);
    if (skipped) notes.push(skipped);
    return { files, ...job.describe(settings), perLayer, notes, ...(history ? { history } : {}) };
  } finally {
    disposeMasks(masks);
    model.dispose();
  }
}

/** When `gradual` is not given: prune from step 0 to 75% of the fine-tune, ~20 mask updates. */
export function defaultGradualSchedule(steps: number): GradualSchedule {
  return { initialSparsity: 0, beginStep: 0, endStep: Math.max(1, Math.round(0.75 * steps)), frequency: Math.max(1, Math.round(steps / 20)), power: 3 };
}

export async function pruneMagnitude(input: LayersInput, cfg: MagnitudePruneConfig, data: TechniqueData, ctx: TechniqueContext): Promise<VariantOutput> {
  const perLayer = cfg.perLayer ?? {};
  checkLayerNames(input.model, 'perLayer', Object.keys(perLayer));
  checkLayerNames(input.model, 'skip', cfg.skip ?? []);
  const select = (model: LayersModel) => prunableWeights(model, { skip: cfg.skip, minLayerParams: cfg.minLayerParams, include: Object.keys(perLayer) });
  const targetsAt = (finalOf: (f: number) => number) => ({
    scope: cfg.scope, sparsity: finalOf(cfg.sparsity),
    perLayer: Object.fromEntries(Object.entries(perLayer).map(([k, v]) => [k, finalOf(v)])),
  });
  const what = `magnitude pruning to ${percent(cfg.sparsity)} (${cfg.scope === 'global' ? 'one global threshold' : 'per layer'})`;
  const describe = (ft: TrainSettings | null) => ({
    name: `${percent(cfg.sparsity)} sparse`,
    step: `${cfg.schedule === 'gradual' ? 'gradual' : 'one-shot'} ${what}${ft ? `, ${ft.epochs} epoch${ft.epochs > 1 ? 's' : ''} fine-tune` : ''}`,
  });
  const notes = [SPARSE_LATENCY_NOTE];
  if (cfg.scope === 'global') notes.push('Global threshold: layers end up with different sparsities (the per-layer table shows each).');

  if (cfg.schedule === 'one-shot') {
    return runJob(input, data, ctx, {
      select, describe, notes, fineTune: cfg.fineTune, needsTraining: null,
      initialMasks: (weights) => magnitudeMasks(weights, targetsAt((f) => f)),
    });
  }

  const train = requireTrainSplit(data, 'gradual pruning');
  const settings = cfg.fineTune as TrainSettings; // validate() requires it for 'gradual'
  const steps = totalSteps(settings, train.count);
  const g = cfg.gradual ?? defaultGradualSchedule(steps);
  if (g.endStep > steps) {
    throw new BonsaiError('BAD_CONFIG', `Error in prune settings: gradual.endStep (${g.endStep}) is past the last fine-tuning step (${steps}), so the final sparsity would never be reached.`,
      `Set gradual.endStep to at most ${steps}, or fine-tune for more epochs.`);
  }
  const sparsityAt = (step: number) => (f: number) =>
    polynomialSparsity(step, { initialSparsity: Math.min(g.initialSparsity, f), finalSparsity: f, beginStep: g.beginStep, endStep: g.endStep, power: g.power });
  const update = async (step: number, weights: PrunableWeight[]) => {
    const masks = await magnitudeMasks(weights, targetsAt(sparsityAt(step)));
    ctx.progress('fine-tune', step, steps, { series: 'sparsity', x: step, y: sparsityAt(step)(cfg.sparsity), xUnit: 'training step' });
    return masks;
  };
  notes.push(`Schedule: sparsity ${percent(g.initialSparsity)} → ${percent(cfg.sparsity)} from step ${g.beginStep} to ${g.endStep} of ${steps}, masks updated every ${g.frequency} step${g.frequency > 1 ? 's' : ''} (cubic, Zhu & Gupta).`);
  return runJob(input, data, ctx, {
    select, describe, notes, fineTune: settings, needsTraining: 'gradual pruning',
    initialMasks: async (weights) => (g.beginStep === 0 ? update(0, weights) : new Map()),
    masksAt: async (step, weights) => (step > 0 && isMaskUpdateStep(step, g) ? update(step, weights) : null),
  });
}

export async function pruneNM(input: LayersInput, cfg: NMPruneConfig, data: TechniqueData, ctx: TechniqueContext): Promise<VariantOutput> {
  checkLayerNames(input.model, 'skip', cfg.skip ?? []);
  return runJob(input, data, ctx, {
    select: (model) => prunableWeights(model, { skip: cfg.skip, minLayerParams: cfg.minLayerParams, requireInputAxis: true }),
    initialMasks: (weights) => nmMasks(weights, cfg.n, cfg.m),
    fineTune: cfg.fineTune,
    needsTraining: cfg.fineTune ? `${cfg.n}:${cfg.m} pruning with fine-tuning` : null,
    describe: (ft) => ({
      name: `${cfg.n}:${cfg.m} sparse`,
      step: `${cfg.n}:${cfg.m} pruning along input channels${ft ? `, ${ft.epochs} epoch${ft.epochs > 1 ? 's' : ''} fine-tune` : ', no fine-tune'}`,
    }),
    notes: [
      SPARSE_LATENCY_NOTE,
      `${cfg.n}:${cfg.m} is the pattern sparse tensor cores accelerate; TF.js does not use it, so here it counts as ${percent(1 - cfg.n / cfg.m)} zeros.`,
    ],
  });
}
