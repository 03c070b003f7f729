/**
 * Filter-shape pruning (Wen et al. 2016, "Learning Structured Sparsity in Deep Neural Networks":
 * filter shape-wise sparsity): crop the k×k kernels of a Conv2D to their central k'×k' taps and
 * rebuild the layer with the smaller kernel. Only stride-1, undilated, 'same'-padded convolutions
 * with odd kernels qualify: their output keeps its shape and alignment, so nothing downstream
 * changes. Why it matters: a conv over a 1-channel image (MNIST's first layer) costs the same on
 * XNNPACK whether it has 2 or 6 filters (outputs are computed in blocks of 8 channels), but its cost
 * follows the taps: 5×5 → 3×3 is the one structural cut that makes it cheaper.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { BonsaiError } from '../../errors';
import { modelFromConfig } from './model-config';

const OP = 'shrinkKernels';

type Config = Record<string, unknown>;

export interface KernelShrinkRow {
  layer: string;
  before: number;
  after: number;
}

const pair = (x: unknown): number[] => (Array.isArray(x) ? x.map(Number) : [Number(x), Number(x)]);

/** Why a layer's kernel cannot be cropped without changing its output's shape, or null. */
function ineligible(layer: tfl.layers.Layer): string | null {
  if (layer.getClassName() !== 'Conv2D') return 'only Conv2D kernels are cropped';
  const c = layer.getConfig() as Config;
  if (c.padding !== 'same') return "its padding is not 'same' (a smaller kernel would change the output size)";
  if (pair(c.strides).some((s) => s !== 1)) return 'its stride is not 1';
  if (pair(c.dilationRate ?? 1).some((d) => d !== 1)) return 'it is dilated';
  if (pair(c.kernelSize).some((k) => k % 2 === 0)) return 'its kernel is even-sized (no centre to crop around)';
  return null;
}

function checkSize(field: string, size: unknown): number {
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 1 || size % 2 === 0) {
    throw new BonsaiError('BAD_CONFIG', `Error in ${OP}: ${field} must be an odd whole number ≥ 1 (a kernel with a centre), but got ${String(size)}.`,
      'Try 3: 5×5 kernels become their central 3×3.');
  }
  return size;
}

/**
 * The new kernel size of each Conv2D to crop: `maxKernelSize` caps every eligible conv, `perLayer`
 * names a size per layer (which must be eligible). Layers already at or below the size are left out.
 */
export function planKernelShrink(model: tfl.LayersModel, maxKernelSize?: number, perLayer: Record<string, number> = {}): Map<string, number> {
  const out = new Map<string, number>();
  const names = new Set(model.layers.map((l) => l.name));
  for (const [name, size] of Object.entries(perLayer)) {
    checkSize(`kernelSize["${name}"]`, size);
    if (!names.has(name)) throw new BonsaiError('BAD_CONFIG', `Error in ${OP}: kernelSize names "${name}", which is not a layer of this model.`);
    const why = ineligible(model.getLayer(name));
    if (why) throw new BonsaiError('BAD_CONFIG', `Error in ${OP}: the kernel of "${name}" cannot be cropped: ${why}.`, 'Remove it from kernelSize.');
  }
  if (maxKernelSize !== undefined) checkSize('maxKernelSize', maxKernelSize);
  for (const layer of model.layers) {
    const size = perLayer[layer.name] ?? (ineligible(layer) ? undefined : maxKernelSize);
    if (size === undefined) continue;
    const k = pair((layer.getConfig() as Config).kernelSize);
    if (k.some((d) => d > size)) out.set(layer.name, size);
  }
  return out;
}

/**
 * The Conv2Ds `maxKernelSize` would crop but cannot, with why (e.g. 'valid' padding, or a stride a
 * pooling fold gave it): planKernelShrink leaves them whole, and the notes say so.
 */
export function uncroppable(model: tfl.LayersModel, maxKernelSize?: number): { layer: string; reason: string }[] {
  if (maxKernelSize === undefined) return [];
  return model.layers.flatMap((layer) => {
    if (layer.getClassName() !== 'Conv2D' || !pair((layer.getConfig() as Config).kernelSize).some((d) => d > maxKernelSize)) return [];
    const why = ineligible(layer);
    return why ? [{ layer: layer.name, reason: why }] : [];
  });
}

/** The central `size` taps of a [kh, kw, in, out] kernel (dimensions already ≤ size stay whole). */
function cropKernel(kernel: tf.Tensor, size: number): tf.Tensor {
  const [kh, kw] = kernel.shape;
  const h = Math.min(kh, size);
  const w = Math.min(kw, size);
  return tf.tidy(() => tf.slice(kernel, [(kh - h) / 2, (kw - w) / 2, 0, 0], [h, w, -1, -1]));
}

/**
 * A new LayersModel whose named Conv2D layers have their kernels cropped to the central size×size
 * taps (bias and every other weight copied). The input model is not changed; the caller disposes
 * the returned one.
 */
export function shrinkKernels(model: tfl.LayersModel, sizes: ReadonlyMap<string, number>): { model: tfl.LayersModel; rows: KernelShrinkRow[] } {
  const config = model.getConfig() as Config;
  const rows: KernelShrinkRow[] = [];
  for (const entry of (config.layers ?? []) as Config[]) {
    const inner = (entry.config ?? {}) as Config;
    const name = String(entry.name ?? inner.name);
    const size = sizes.get(name);
    if (size === undefined) continue;
    const why = ineligible(model.getLayer(name));
    if (why) throw new BonsaiError('BAD_CONFIG', `Error in ${OP}: the kernel of "${name}" cannot be cropped: ${why}.`);
    const k = pair(inner.kernelSize);
    inner.kernelSize = k.map((d) => Math.min(d, size));
    rows.push({ layer: name, before: Math.max(...k), after: Math.min(Math.max(...k), size) });
  }
  const rebuilt = modelFromConfig(model, config);
  try {
    for (const layer of model.layers) {
      if (layer.weights.length === 0) continue;
      const size = sizes.get(layer.name);
      const values = layer.getWeights();
      const copied = values.map((v, i) => (size !== undefined && layer.weights[i].originalName.endsWith('kernel') ? cropKernel(v, size) : v));
      try {
        rebuilt.getLayer(layer.name).setWeights(copied);
      } finally {
        copied.forEach((t, i) => {
          if (t !== values[i]) t.dispose();
        });
      }
    }
  } catch (e) {
    rebuilt.dispose();
    throw e;
  }
  return { model: rebuilt, rows };
}
