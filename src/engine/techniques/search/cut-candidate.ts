/**
 * The third family of the search space: cuts of the reference model that keep its trained weights
 * (NetAdapt, Yang et al. 2018: adapt a trained network to a device by cuts measured on that device,
 * then fine-tune). A cut is structured pruning's depth and channel cuts — pooling folded into the
 * convolution's stride, hidden Dense layers merged, a fraction of filters/units removed per layer —
 * applied without fine-tuning; the search then trains it like any candidate, from those weights.
 */
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { BonsaiError } from '../../errors';
import { layersModelFlops } from '../../metrics/flops';
import { disposeLoaded, loadPrepared } from '../../model/load';
import type { LoadedModel } from '../../model/loaded';
import type { InputFile } from '../../model/types';
import { prepareModel } from '../../model/validate';
import { planDepth } from '../prune/structured-depth';
import { pruneStructured } from '../prune/structured';
import type { CutArch, ReferenceCuts } from './space';

/** The most Dense merges looked for (LeNet-5 has 2; an MLP has one per hidden layer). */
const MAX_MERGES = 8;

/** Layers that are linear (or the identity) at inference. */
const LINEAR_AT_INFERENCE = new Set(['InputLayer', 'Flatten', 'Reshape', 'BatchNormalization', 'Dropout', 'SpatialDropout1D', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout']);

/**
 * Whether the model left after `plan`'s merges is linear in its input up to the output's softmax:
 * besides linear layers, one Dense layer (the output, into which the hidden ones merged) whose
 * activation is linear or softmax. A hidden Dense the chain could not reach (behind a BatchNorm,
 * say) keeps its ReLU, so the model is not linear.
 */
function linearAfter(model: LayersModel, plan: ReturnType<typeof planDepth>): boolean {
  const gone = new Set(plan.merges.flatMap((m) => [m.removed, ...m.between]));
  const left = model.layers.filter((l) => !gone.has(l.name));
  const dense = left.filter((l) => l.getClassName() === 'Dense');
  const activation = String((dense[0]?.getConfig() as { activation?: unknown } | undefined)?.activation ?? 'linear');
  return dense.length === 1 && ['linear', 'softmax'].includes(activation) && left.every((l) => l.getClassName() === 'Dense' || LINEAR_AT_INFERENCE.has(l.getClassName()));
}

/** What the reference allows to cut; null when it is not a LayersModel (nothing can be cut). */
export function referenceCuts(model: LoadedModel, name: string): ReferenceCuts | null {
  if (model.format !== 'layers') return null;
  const canFold = planDepth(model.model, { foldPooling: true }).folds.length > 0;
  let maxMerge = 0;
  let deepest: ReturnType<typeof planDepth> | null = null;
  for (let k = 1; k <= MAX_MERGES; k++) {
    try {
      deepest = planDepth(model.model, { mergeDense: k });
      maxMerge = k;
    } catch (e) {
      // "k asked to merge, but only k − 1 can": the chain ends here. Anything else is a real error.
      if (e instanceof BonsaiError && e.code === 'BAD_CONFIG') break;
      throw e;
    }
  }
  const linearWhenAllMerged = deepest !== null && linearAfter(model.model, deepest);
  return { name, canFold, maxMerge, linearWhenAllMerged };
}

export interface BuiltCut {
  /** The cut model as TF.js files: the weights a pool member starts training from. */
  files: InputFile[];
  model: LayersModel;
  params: number;
  flops: number;
  /**
   * Whether any filter/unit was removed. A ratio can remove none on a cut model (LeNet-300-100 with
   * both hidden layers merged has only its output layer left): that cut is the ratio-0 cut again.
   */
  channelsRemoved: boolean;
  /** Per layer, for the variant's table. */
  rows: { layer: string; kind: string; output: string; params: number; flops: number | null }[];
}

/** Cut the reference (never changed) as `arch` says; the caller disposes `model`. */
export async function buildCut(reference: LoadedModel, arch: CutArch, signal?: AbortSignal): Promise<BuiltCut> {
  if (reference.format !== 'layers') {
    throw new BonsaiError('BAD_CONFIG', 'Error in search: cuts of the open model need a LayersModel (model.json format \'layers-model\').', 'Open a Keras/Layers model, or set “Cuts of the open model” to off.');
  }
  const out = await pruneStructured(reference, { method: 'structured', ratio: arch.ratio, norm: 'l1', foldPooling: arch.foldPooling, mergeDense: arch.mergeDense }, {}, { signal, progress: () => {} });
  const loaded = await loadPrepared(prepareModel(out.files));
  if (loaded.format !== 'layers') {
    disposeLoaded(loaded);
    throw new BonsaiError('INTERNAL', 'Error in search: a cut of the reference did not load as a LayersModel.');
  }
  const model = loaded.model;
  try {
    const flops = layersModelFlops(model);
    const byLayer = new Map(flops.layers.map((l) => [l.name, l.flops]));
    const rows = model.layers
      .filter((l) => l.getClassName() !== 'InputLayer')
      .map((l) => ({ layer: l.name, kind: l.getClassName(), output: `[${(l.outputShape as (number | null)[]).slice(1).join('×')}]`, params: l.countParams(), flops: byLayer.get(l.name) ?? null }));
    // Merged layers report 0 units after the cut; a layer that lost channels keeps some.
    const channelsRemoved = out.perLayer.some((r) => typeof r.before === 'number' && typeof r.after === 'number' && r.after > 0 && r.after < r.before);
    return { files: out.files, model, params: model.countParams(), flops: flops.flops, channelsRemoved, rows };
  } catch (e) {
    disposeLoaded(loaded);
    throw e;
  }
}
