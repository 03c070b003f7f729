/**
 * Rebuild a LayersModel with fewer filters/units: a new model from the original's config (units
 * and filters changed), then every weight gathered down to the kept channels — the producer's
 * output axis, its consumers' input axis, BatchNormalization and DepthwiseConv2D channels, the
 * rows a Flatten feeds into Dense. The original model is not changed.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { BonsaiError } from '../../errors';
import { analyzeChannels, PRODUCERS, type ChannelGraph, type LayerRole } from './structured-graph';
import { keptAlong, multiplyLayout } from './structured-spaces';
import { modelFromConfig } from './model-config';

const OP = 'rebuildPruned';

type Config = Record<string, unknown>;

/**
 * Kept channels per group root, from kept indices per producer layer. Every layer of a group must
 * be given the same indices (or none: it follows its group).
 */
export function keptByGroup(graph: ChannelGraph, keep: ReadonlyMap<string, readonly number[]>): Map<number, number[]> {
  const { spaces, roles } = graph;
  const byRoot = new Map<number, number[]>();
  for (const [layer, indices] of keep) {
    const role = roles.get(layer);
    if (role?.kind !== 'producer') {
      throw new BonsaiError('BAD_CONFIG', `Error in ${OP}: "${layer}" is not a Dense, Conv or SeparableConv2D layer of this model, so it has no filters/units to keep.`);
    }
    const size = spaces.size(role.space);
    const sorted = [...new Set(indices)].sort((a, b) => a - b);
    if (sorted.some((i) => !Number.isInteger(i) || i < 0 || i >= size)) {
      throw new BonsaiError('BAD_CONFIG', `Error in ${OP}: kept indices of "${layer}" must be whole numbers in [0, ${size - 1}].`);
    }
    if (sorted.length === 0) {
      throw new BonsaiError('BAD_CONFIG', `Error in ${OP}: "${layer}" would keep 0 of its ${size} filters/units; at least 1 must stay.`,
        'Lower the pruning ratio for this layer.');
    }
    const blocked = spaces.blockedReasons(role.space);
    if (blocked.length > 0) {
      if (sorted.length === size) continue;
      throw new BonsaiError('BAD_CONFIG', `Error in ${OP}: the channels of "${layer}" cannot be removed: ${blocked.join('; ')}.`);
    }
    const root = spaces.root(role.space);
    const other = byRoot.get(root);
    if (other && other.join() !== sorted.join()) {
      throw new BonsaiError('BAD_CONFIG', `Error in ${OP}: "${layer}" is joined to other layers by ${spaces.joinedBy(role.space).join(', ')}; every layer of the group must keep the same channels.`);
    }
    byRoot.set(root, sorted);
  }
  // A group that keeps every channel needs no slicing.
  for (const [root, sorted] of byRoot) if (sorted.length === spaces.size(root)) byRoot.delete(root);
  return byRoot;
}

/**
 * `t` with only `indices` along `axis`, in a buffer of its own: the wasm backend's gather returns
 * a reshaped view whose buffer keeps another rank, and its FusedConv2D rejects such a bias.
 */
function gatherAxis(t: tf.Tensor, indices: number[] | null, axis: number): tf.Tensor {
  if (indices === null) return t;
  const view = tf.gather(t, indices, axis);
  try {
    return tf.tensor(view.dataSync(), view.shape, view.dtype);
  } finally {
    view.dispose();
  }
}

/** The weight of a layer by its last name part ('kernel', 'bias', 'gamma', 'moving_mean', …). */
function weightSuffix(originalName: string): string {
  return originalName.split('/').pop() ?? originalName;
}

/** The sliced value of one weight, given the layer's role and the kept channels. */
function slicedWeight(
  graph: ChannelGraph,
  role: LayerRole,
  className: string,
  depthMultiplier: number,
  suffix: string,
  value: tf.Tensor,
  kept: ReadonlyMap<number, number[]>,
): tf.Tensor {
  const along = (layout: Parameters<typeof keptAlong>[0]) => keptAlong(layout, graph.spaces, kept);
  switch (role.kind) {
    case 'producer': {
      const own = kept.get(graph.spaces.root(role.space)) ?? null;
      const last = value.rank - 1;
      if (suffix === 'bias') return gatherAxis(value, own, 0);
      if (className === 'SeparableConv2D' && suffix === 'depthwise_kernel') return gatherAxis(value, along(role.input), 2);
      if (className === 'SeparableConv2D' && suffix === 'pointwise_kernel') {
        const mult = depthMultiplier;
        const inner = gatherAxis(value, along(multiplyLayout(role.input, mult)), 2);
        const result = gatherAxis(inner, own, 3);
        if (inner !== value && inner !== result) inner.dispose();
        return result;
      }
      if (suffix === 'kernel') {
        const inner = gatherAxis(value, along(role.input), last - 1);
        const result = gatherAxis(inner, own, last);
        if (inner !== value && inner !== result) inner.dispose();
        return result;
      }
      break;
    }
    case 'depthwise':
      if (suffix === 'depthwise_kernel') return gatherAxis(value, along(role.input), 2);
      if (suffix === 'bias') return gatherAxis(value, along(role.output), 0);
      break;
    case 'batchnorm':
      return gatherAxis(value, along(role.input), 0);
    default:
      return value;
  }
  throw new BonsaiError('INTERNAL', `Error in ${OP}: ${className} has a weight "${suffix}" that structured pruning does not know how to slice.`);
}

/** The depth multiplier of a (Separable/Depthwise) layer, read from its depthwise kernel [kh, kw, in, m]. */
function depthMultiplierOf(layer: tfl.layers.Layer): number {
  const w = layer.weights.find((v) => weightSuffix(v.originalName) === 'depthwise_kernel');
  return w?.shape[3] ?? 1;
}

function layerConfigs(config: Config): Map<string, Config> {
  const out = new Map<string, Config>();
  for (const entry of (config.layers ?? []) as Config[]) {
    const inner = (entry.config ?? {}) as Config;
    out.set(String(entry.name ?? inner.name), inner);
  }
  return out;
}

/**
 * A new LayersModel with only the kept output channels of the given layers (indices per layer;
 * layers not named keep all). Layers joined by Add/Multiply/… must be given the same indices (one
 * of them is enough). Throws BAD_CONFIG for a layer whose channels cannot be removed. The caller
 * disposes the returned model.
 */
export function rebuildPruned(model: tfl.LayersModel, keep: ReadonlyMap<string, readonly number[]>, graph = analyzeChannels(model)): tfl.LayersModel {
  const kept = keptByGroup(graph, keep);
  const config = model.getConfig() as Config;
  const configs = layerConfigs(config);
  for (const [name, role] of graph.roles) {
    if (role.kind !== 'producer') continue;
    const own = kept.get(graph.spaces.root(role.space));
    const layerConfig = configs.get(name);
    if (own && layerConfig) layerConfig[PRODUCERS[model.getLayer(name).getClassName()]] = own.length;
  }
  // TF.js 4.22's SeparableConv2D.getConfig drops depthMultiplier: restore it from the weights.
  for (const layer of model.layers) {
    const layerConfig = configs.get(layer.name);
    if (layer.getClassName() === 'SeparableConv2D' && layerConfig) layerConfig.depthMultiplier = depthMultiplierOf(layer);
  }
  const rebuilt = modelFromConfig(model, config);
  try {
    for (const layer of model.layers) {
      if (layer.weights.length === 0) continue;
      const role = graph.roles.get(layer.name) ?? { kind: 'unchanged' };
      const target = rebuilt.getLayer(layer.name);
      const values = layer.getWeights();
      const sliced = values.map((v, i) =>
        slicedWeight(graph, role, layer.getClassName(), depthMultiplierOf(layer), weightSuffix(layer.weights[i].originalName), v, kept));
      try {
        const expected = target.weights.map((w) => w.shape.join('x'));
        const got = sliced.map((t) => t.shape.join('x'));
        if (expected.join() !== got.join()) {
          throw new BonsaiError('INTERNAL', `Error in ${OP}: the sliced weights of ${layer.name} have shapes [${got.join(', ')}], the rebuilt layer expects [${expected.join(', ')}].`);
        }
        target.setWeights(sliced);
      } finally {
        // getWeights returns the variables' own tensors: dispose only what slicing created.
        sliced.forEach((t, i) => {
          if (t !== values[i]) t.dispose();
        });
      }
    }
  } catch (e) {
    rebuilt.dispose();
    throw e;
  }
  return rebuilt;
}
