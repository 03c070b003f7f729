/**
 * Magnitude masks for a selection of prunable weights at given sparsities: per layer, or one
 * global threshold over every layer not given its own ratio in `perLayer`.
 */
import type { PrunableWeight, MaskSet } from './masks';
import { magnitudeKeepMasks, maskTensor, nmKeepMask } from './masks';

export interface SparsityTargets {
  scope: 'per-layer' | 'global';
  /** Sparsity of every selected layer not in perLayer. */
  sparsity: number;
  perLayer?: Record<string, number>;
}

async function valuesOf(weights: PrunableWeight[]): Promise<Float32Array[]> {
  return Promise.all(weights.map(async (w) => (await w.weight.read().data()) as Float32Array));
}

function groupBy(weights: PrunableWeight[], key: (w: PrunableWeight) => string): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  weights.forEach((w, i) => {
    const k = key(w);
    groups.set(k, [...(groups.get(k) ?? []), i]);
  });
  return groups;
}

/** New masks (the caller disposes them) holding exactly round(s·n) zeros per group. */
export async function magnitudeMasks(weights: PrunableWeight[], t: SparsityTargets): Promise<MaskSet> {
  const values = await valuesOf(weights);
  const own = t.perLayer ?? {};
  const groups = groupBy(weights, (w) => (Object.hasOwn(own, w.layer) || t.scope === 'per-layer' ? `layer:${w.layer}` : 'global'));
  const masks: MaskSet = new Map();
  for (const [key, members] of groups) {
    const layer = key.startsWith('layer:') ? key.slice(6) : null;
    const sparsity = layer !== null && Object.hasOwn(own, layer) ? own[layer] : t.sparsity;
    const keeps = magnitudeKeepMasks(members.map((i) => values[i]), sparsity);
    members.forEach((i, j) => masks.set(weights[i].weight.name, maskTensor(keeps[j], weights[i].shape)));
  }
  return masks;
}

/** N:M masks for weights that have an input axis (see PrunableWeight.inputAxis). */
export async function nmMasks(weights: PrunableWeight[], n: number, m: number): Promise<MaskSet> {
  const values = await valuesOf(weights);
  const masks: MaskSet = new Map();
  weights.forEach((w, i) => {
    if (w.inputAxis === null) return;
    masks.set(w.weight.name, maskTensor(nmKeepMask(values[i], w.shape, w.inputAxis, n, m), w.shape));
  });
  return masks;
}
