/**
 * Which filters/units to remove: rank each group's output channels by the L1 or L2 norm of their
 * weights (summed over the group's layers), remove the lowest fraction, keep the rest.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { BonsaiError } from '../../errors';
import { analyzeChannels, type ChannelGraph } from './structured-graph';
import type { PruneGroup, SkippedLayer, StructuredPlan, StructuredPruneConfig } from './structured-types';

const OP = 'planStructured';

/** The weight whose last axis indexes a producer's output channels. */
function outputKernel(model: LayersModel, layer: string): tf.Tensor {
  const l = model.getLayer(layer);
  const suffix = l.getClassName() === 'SeparableConv2D' ? 'pointwise_kernel' : 'kernel';
  const w = l.weights.find((v) => v.originalName.split('/').pop() === suffix);
  if (!w) throw new BonsaiError('INTERNAL', `Error in ${OP}: ${layer} has no ${suffix} weight.`);
  return w.read();
}

/** L1 or L2 norm of each output channel (the kernel's last axis). */
export function channelNorms(kernel: tf.Tensor, norm: 'l1' | 'l2'): Float32Array {
  const norms = tf.tidy(() => {
    const channels = kernel.shape[kernel.rank - 1];
    const flat = tf.reshape(kernel, [-1, channels]);
    return norm === 'l1' ? tf.sum(tf.abs(flat), 0) : tf.sqrt(tf.sum(tf.square(flat), 0));
  });
  try {
    return norms.dataSync() as Float32Array;
  } finally {
    norms.dispose();
  }
}

function checkRatio(ratio: unknown, field: string): number {
  if (typeof ratio !== 'number' || !Number.isFinite(ratio) || ratio < 0 || ratio > 1) {
    throw new BonsaiError('BAD_CONFIG', `Error in ${OP}: ${field} must be a number in [0, 1], but got ${String(ratio)}.`,
      'Pick the fraction of filters/units to remove, e.g. 0.5.');
  }
  return ratio;
}

/** The channels to keep: all but the `remove` lowest-norm ones (ties: the lower index goes first). */
function lowestRemoved(norms: Float32Array, remove: number): number[] {
  const order = [...norms.keys()].sort((a, b) => norms[a] - norms[b] || a - b);
  const removed = new Set(order.slice(0, remove));
  return [...norms.keys()].filter((i) => !removed.has(i));
}

/** Plan structured pruning: kept channels per layer, the dependency groups, and what stays whole. */
export function planStructured(model: LayersModel, config: StructuredPruneConfig, graph: ChannelGraph = analyzeChannels(model)): StructuredPlan {
  const ratio = checkRatio(config.ratio, 'ratio');
  if (config.norm !== 'l1' && config.norm !== 'l2') {
    throw new BonsaiError('BAD_CONFIG', `Error in ${OP}: norm must be 'l1' or 'l2', but got ${String(config.norm)}.`);
  }
  const perLayer = config.perLayer ?? {};
  const names = new Set(model.layers.map((l) => l.name));
  for (const [layer, r] of Object.entries(perLayer)) {
    checkRatio(r, `perLayer["${layer}"]`);
    if (!names.has(layer)) throw new BonsaiError('BAD_CONFIG', `Error in ${OP}: perLayer names "${layer}", which is not a layer of this model.`);
  }
  const skip = new Set(config.skip ?? []);
  const unknown = [...skip].filter((l) => !names.has(l));
  if (unknown.length > 0) throw new BonsaiError('BAD_CONFIG', `Error in ${OP}: skip names ${unknown.map((l) => `"${l}"`).join(', ')}, which ${unknown.length > 1 ? 'are not layers' : 'is not a layer'} of this model.`);
  const { spaces, roles, producers } = graph;
  const keep = new Map<string, number[]>();
  const groups: PruneGroup[] = [];
  const skipped: SkippedLayer[] = [];
  const spaceOf = (layer: string) => {
    const role = roles.get(layer);
    return role?.kind === 'producer' ? role.space : -1;
  };

  const done = new Set<number>();
  for (const first of producers) {
    const root = spaces.root(spaceOf(first));
    if (done.has(root)) continue;
    done.add(root);
    const members = producers.filter((p) => spaces.root(spaceOf(p)) === root);
    const joinedBy = spaces.joinedBy(root);
    const reasons = [...spaces.blockedReasons(root)];
    const skippedMembers = members.filter((m) => skip.has(m));
    if (skippedMembers.length > 0) reasons.push(`${skippedMembers.join(', ')} ${skippedMembers.length > 1 ? 'are' : 'is'} in the skip list`);
    if (reasons.length > 0) {
      const tie = members.length > 1 ? ` (tied to ${members.join(', ')} by ${joinedBy.join(', ')})` : '';
      for (const m of members) skipped.push({ layer: m, reason: `keeps all channels${tie}: ${reasons.join('; ')}.` });
      continue;
    }
    const groupRatio = Math.min(...members.map((m) => perLayer[m] ?? ratio));
    const channels = spaces.size(root);
    const remove = Math.floor(groupRatio * channels + 1e-9);
    if (remove >= channels) {
      throw new BonsaiError('BAD_CONFIG', `Error in ${OP}: a ratio of ${groupRatio} would remove all ${channels} filters/units of ${members.join(', ')}; at least 1 must stay.`,
        'Lower the ratio (below 1), or add the layer to the skip list.');
    }
    if (remove === 0) continue;
    const summed = new Float32Array(channels);
    for (const m of members) channelNorms(outputKernel(model, m), config.norm).forEach((v, i) => (summed[i] += v));
    const kept = lowestRemoved(summed, remove);
    for (const m of members) keep.set(m, kept);
    groups.push({ layers: members, joinedBy, channels, ratio: groupRatio, kept });
  }
  return { keep, groups, skipped: [...skipped, ...graph.unsupported] };
}
