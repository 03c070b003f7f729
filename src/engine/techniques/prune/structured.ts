/**
 * Structured pruning: remove whole Conv filters and Dense units (lowest L1/L2 norm first) and
 * rebuild a physically smaller LayersModel — fewer parameters and fewer FLOPs, so it is faster on
 * every backend, unlike unstructured zeros. Channels tied by Add/Multiply/… are removed as one
 * group; channels that cannot go (model input/output, unsupported layers) stay, with the reason.
 * Then, optionally, fine-tune. The input model is never changed.
 */
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { BonsaiError } from '../../errors';
import { layersModelFlops } from '../../metrics/flops';
import type { LoadedModel } from '../../model/loaded';
import { serializeLayersModel } from '../../model/serialize';
import { throwIfAborted } from '../../runtime/yield';
import type { TrainHistory } from '../../train/types';
import type { LayerReportRow, TechniqueContext, TechniqueData, VariantOutput } from '../types';
import { fineTune } from './fine-tune';
import { analyzeChannels, PRODUCERS } from './structured-graph';
import { planStructured } from './structured-plan';
import { planKernelShrink, shrinkKernels, uncroppable } from './structured-kernel';
import { rebuildPruned } from './structured-rebuild';
import { applyDepth, planDepth, type DepthPlan } from './structured-depth';
import type { StructuredPlan, StructuredPruneConfig } from './structured-types';

export { analyzeChannels } from './structured-graph';
export { planStructured } from './structured-plan';
export { rebuildPruned } from './structured-rebuild';
export { planKernelShrink, shrinkKernels } from './structured-kernel';
export type { PruneGroup, SkippedLayer, StructuredPlan } from './structured-types';

const OP = 'pruneStructured';
const PHASE = 'fine-tune';

function percent(x: number): string {
  return `${Math.round(x * 1000) / 10}%`;
}

function channelCount(model: LayersModel, layer: string): number {
  const l = model.getLayer(layer);
  return Number((l.getConfig() as Record<string, unknown>)[PRODUCERS[l.getClassName()]]);
}

/** One row per layer that owns filters/units: before, after, and why it was left whole. */
function layerRows(model: LayersModel, plan: StructuredPlan, norm: string, producers: string[]): LayerReportRow[] {
  const skipped = new Map(plan.skipped.map((s) => [s.layer, s.reason]));
  const groupOf = new Map(plan.groups.filter((g) => g.layers.length > 1).flatMap((g) => g.layers.map((l) => [l, g.layers.join(' + ')])));
  return producers.map((layer) => {
    const before = channelCount(model, layer);
    const after = plan.keep.get(layer)?.length ?? before;
    return {
      layer,
      before,
      after,
      removedFraction: before > 0 ? (before - after) / before : 0,
      norm,
      group: groupOf.get(layer) ?? null,
      skipped: skipped.get(layer) ?? null,
    };
  });
}

function sizeNotes(original: LayersModel, pruned: LayersModel): string[] {
  const paramsBefore = original.countParams();
  const paramsAfter = pruned.countParams();
  const flopsBefore = layersModelFlops(original).flops;
  const flopsAfter = layersModelFlops(pruned).flops;
  const drop = (a: number, b: number) => (a > 0 ? ` (−${percent((a - b) / a)})` : '');
  return [
    `The model is physically smaller: ${paramsBefore.toLocaleString('en-US')} → ${paramsAfter.toLocaleString('en-US')} parameters${drop(paramsBefore, paramsAfter)}.`,
    `FLOPs at batch 1: ${flopsBefore.toLocaleString('en-US')} → ${flopsAfter.toLocaleString('en-US')}${drop(flopsBefore, flopsAfter)}; the smaller tensors should lower latency on every backend (measure it on this device).`,
  ];
}

/**
 * Structured pruning as a technique run: plan, rebuild, fine-tune (when settings and a training
 * split are given), and return the smaller model as TF.js files.
 */
export async function pruneStructured(
  input: LoadedModel,
  config: StructuredPruneConfig,
  data: TechniqueData,
  ctx: TechniqueContext,
): Promise<VariantOutput> {
  if (input.format !== 'layers') {
    throw new BonsaiError('BAD_CONFIG', `Error in ${OP}: structured pruning needs a LayersModel (model.json format 'layers-model'), but this is a GraphModel.`,
      'Load the Keras/Layers export of the model (tensorflowjs_converter --output_format tfjs_layers_model), or use magnitude pruning.');
  }
  const model = input.model;
  throwIfAborted(ctx.signal);
  const depth = planDepth(model, { foldPooling: config.foldPooling, mergeDense: config.mergeDense });
  const cutsLayers = depth.folds.length + depth.merges.length > 0;
  if (config.foldPooling && depth.folds.length === 0 && !config.mergeDense) {
    const why = depth.kept.length > 0
      ? ` ${depth.kept.map((k) => `${k.layer}: ${k.reason}`).join('; ')}.`
      : ' It has no Conv2D whose output reaches a pooling layer through BatchNorm or activation layers only.';
    throw new BonsaiError('BAD_CONFIG', `Error in ${OP}: no pooling layer of this model can be folded into its convolution's stride.${why}`,
      'Set Pooling to “keep pooling layers”, or prune filters/units instead.');
  }
  // Channel settings are planned on the depth-pruned model: a layer they name must still be there.
  const gone = new Map<string, string>([
    ...depth.merges.flatMap((m) => [m.removed, ...m.between].map((l): [string, string] => [l, `merged into ${depth.merges[0].into}`])),
    ...depth.folds.map((f): [string, string] => [f.pool, `folded into ${f.conv}'s stride`]),
  ]);
  for (const [field, names] of [['perLayer', Object.keys(config.perLayer ?? {})], ['skip', config.skip ?? []], ['kernelSize', Object.keys(config.kernelSize ?? {})]] as const) {
    const named = names.find((n) => gone.has(n));
    if (named) {
      throw new BonsaiError('BAD_CONFIG', `Error in ${OP}: ${field} names "${named}", which depth pruning removes (${gone.get(named)}).`,
        `Take "${named}" out of ${field}, or merge fewer Dense layers / keep the pooling layers.`);
    }
  }
  const shallow = cutsLayers ? applyDepth(model, depth) : null;
  try {
    return await pruneChannels(input.model, shallow ?? model, depth, config, data, ctx);
  } finally {
    shallow?.dispose();
  }
}

/** Channel and kernel pruning of `model` (the input, or its depth-pruned copy), then fine-tuning. */
async function pruneChannels(
  original: LayersModel,
  model: LayersModel,
  depth: DepthPlan,
  config: StructuredPruneConfig,
  data: TechniqueData,
  ctx: TechniqueContext,
): Promise<VariantOutput> {
  const cutsLayers = model !== original;
  const graph = analyzeChannels(model);
  const plan = planStructured(model, config, graph);
  const kernelSizes = planKernelShrink(model, config.maxKernelSize, config.kernelSize);
  if (plan.groups.length === 0 && kernelSizes.size === 0 && !cutsLayers) {
    const why = plan.skipped.length > 0 ? ` ${plan.skipped.map((s) => `${s.layer}: ${s.reason}`).join(' ')}` : '';
    throw new BonsaiError('BAD_CONFIG', `Error in ${OP}: at a ratio of ${config.ratio} no filter or unit of this model would be removed.${why}`,
      'Raise the ratio, remove layers from the skip list, or use magnitude pruning for this model.');
  }
  ctx.progress('rebuild', 0, 1);
  const pruned = rebuiltSmaller(model, plan, graph, kernelSizes);
  try {
    ctx.progress('rebuild', 1, 1);
    const notes = [...sizeNotes(original, pruned.model), ...depthNotes(depth)];
    if (pruned.shrunk.length > 0) notes.push(`Kernels cropped to their centre (filter-shape pruning): ${pruned.shrunk.map((r) => `${r.layer} ${r.before}×${r.before} → ${r.after}×${r.after}`).join(', ')}.`);
    const whole = uncroppable(model, config.maxKernelSize);
    if (whole.length > 0) notes.push(`Kernels left whole despite the ${config.maxKernelSize}×${config.maxKernelSize} cap: ${whole.map((w) => `${w.layer} (${w.reason})`).join('; ')}.`);
    let history: TrainHistory | undefined;
    const train = data.train;
    if (config.fineTune && train && train.count > 0) {
      history = await fineTune(pruned.model, train, data.validation, config.fineTune, ctx, { original, afterStep: () => {}, phase: PHASE });
    } else if (config.fineTune) {
      notes.push('Not fine-tuned: there is no training data. Accuracy usually recovers with a few epochs of fine-tuning.');
    }
    const left = plan.skipped.filter((s) => graph.producers.includes(s.layer));
    if (left.length > 0) notes.push(`Kept all channels: ${left.map((s) => s.layer).join(', ')} (see the table for why).`);
    const unsupported = graph.unsupported.map((s) => s.layer);
    if (unsupported.length > 0) notes.push(`Not rebuilt with fewer channels: ${unsupported.join(', ')}.`);
    throwIfAborted(ctx.signal);
    const files = await serializeLayersModel(pruned.model);
    const ratio = percent(config.ratio);
    const kernels = pruned.shrunk.length > 0 ? `, kernels cropped (${pruned.shrunk.map((r) => `${r.layer} ${r.after}×${r.after}`).join(', ')})` : '';
    const epochs = history ? `, ${history.epochs.length} epoch${history.epochs.length === 1 ? '' : 's'} fine-tune` : '';
    const cuts = depthSummary(depth);
    return {
      files,
      // The step only: the runner puts the open model's display name in front (never Keras's "sequential_1").
      name: [
        config.ratio > 0 || !cuts ? `${ratio} filters removed` : null,
        pruned.shrunk.length > 0 ? `${pruned.shrunk.map((r) => `${r.after}×${r.after}`).join('/')} kernels` : null,
        cuts || null,
      ].filter((p) => p !== null).join(', '),
      step: config.ratio > 0 || !cuts
        ? `structured pruning: ${ratio} of filters/units removed per layer (lowest ${config.norm.toUpperCase()} norm)${kernels}${cuts ? `, ${cuts}` : ''}${epochs}`
        : `depth pruning: ${cuts}${kernels}${epochs}`,
      perLayer: [...layerRows(model, plan, config.norm, graph.producers), ...mergedRows(original, depth, config.norm)],
      notes,
      ...(history ? { history } : {}),
    };
  } finally {
    pruned.model.dispose();
  }
}

/** A row per Dense layer merged away: all its units gone (the notes say into which layer). */
function mergedRows(original: LayersModel, depth: DepthPlan, norm: string): LayerReportRow[] {
  return depth.merges.map((m) => ({ layer: m.removed, before: channelCount(original, m.removed), after: 0, removedFraction: 1, norm, group: null, skipped: null }));
}

/** "2 pools folded, 1 dense merged", or '' when no layer was removed. */
function depthSummary(depth: DepthPlan): string {
  const parts = [];
  if (depth.folds.length > 0) parts.push(`${depth.folds.length} pool${depth.folds.length > 1 ? 's' : ''} folded`);
  if (depth.merges.length > 0) parts.push(`${depth.merges.length} dense merged`);
  return parts.join(', ');
}

function depthNotes(depth: DepthPlan): string[] {
  const notes: string[] = [];
  if (depth.folds.length > 0) {
    notes.push(`Pooling folded into strides (depth pruning): ${depth.folds.map((f) => `${f.conv} now ${f.kernel.join('×')} stride ${f.stride}, ${f.pool} removed`).join('; ')}. Each kernel grew to cover its pool's window, starting as the old kernel averaged over the window: exact for average pooling with nothing nonlinear before it; otherwise (max-pooling, a ReLU) the fine-tune adapts it.`);
  }
  if (depth.kept.length > 0) notes.push(`Pooling kept: ${depth.kept.map((k) => `${k.layer} (${k.reason})`).join('; ')}.`);
  if (depth.merges.length > 0) {
    const lossy = depth.merges.filter((m) => m.activation !== 'linear');
    const between = depth.merges.flatMap((m) => m.between);
    notes.push(`Dense layers merged (depth pruning): ${depth.merges.map((m) => m.removed).join(', ')} removed${between.length > 0 ? ` (with ${between.join(', ')} after them)` : ''}, their kernels multiplied into ${depth.merges[0].into}.${lossy.length > 0 ? ` Their ${[...new Set(lossy.map((m) => m.activation))].join('/')} activation is gone, so the merge is a starting point for the fine-tune, not the same function.` : ' They were linear, so the merge computes the same function.'}`);
  }
  return notes;
}

/** Fewer channels (when the plan removes any), then cropped kernels (when any are named). */
function rebuiltSmaller(model: LayersModel, plan: StructuredPlan, graph: ReturnType<typeof analyzeChannels>, kernelSizes: Map<string, number>) {
  const slim = rebuildPruned(model, plan.keep, graph);
  if (kernelSizes.size === 0) return { model: slim, shrunk: [] };
  try {
    const out = shrinkKernels(slim, kernelSizes);
    return { model: out.model, shrunk: out.rows };
  } finally {
    slim.dispose();
  }
}
