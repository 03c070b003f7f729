/**
 * Which consecutive layers cross-layer equalization may rescale. A pair (A, B) qualifies when
 * scaling A's output channel i by 1/sᵢ and B's input channel i by sᵢ leaves the model's function
 * unchanged, i.e. when everything between them commutes with a positive per-channel scale:
 * f(x/s) = f(x)/s. ReLU, LeakyReLU and linear activations, max/average pooling, zero padding,
 * dropout and Flatten (channels-last: flattened index j belongs to channel j mod C) do; ReLU6,
 * sigmoid, tanh, ELU and BatchNormalization (its ε and shift) do not. A's output must reach B
 * only: any other reader would see the rescaled values.
 */
import type { LayersModel, LayerVariable } from '@tensorflow/tfjs-layers';
import { walkSteps, type WalkLayer, type WalkStep } from './layer-walk';

const WEIGHTED = new Set(['Dense', 'Conv2D', 'DepthwiseConv2D']);
const HOMOGENEOUS_ACTIVATIONS = new Set(['relu', 'linear']);
const PASS_THROUGH = new Set([
  'Dropout', 'SpatialDropout1D', 'SpatialDropout2D', 'GaussianDropout', 'GaussianNoise', 'LeakyReLU',
  'MaxPooling2D', 'AveragePooling2D', 'GlobalMaxPooling2D', 'GlobalAveragePooling2D', 'ZeroPadding2D', 'Flatten',
]);

export interface EqualizablePair {
  first: WalkLayer;
  second: WalkLayer;
  /** Output channels of `first` = input channels of `second` (before any Flatten). */
  channels: number;
  /** `second`'s kernel viewed as [pre, channels, post]. */
  secondView: [number, number, number];
}

export interface SkippedPair {
  first: string;
  second: string | null;
  reason: string;
}

type Config = Record<string, unknown>;
const cfg = (l: WalkLayer): Config => l.getConfig() as Config;

export function kernelOf(layer: WalkLayer): LayerVariable | undefined {
  return layer.weights.find((w) => /(^|\/)(depthwise_)?kernel$/.test(w.originalName));
}

export function biasOf(layer: WalkLayer): LayerVariable | undefined {
  return layer.weights.find((w) => /(^|\/)bias$/.test(w.originalName));
}

function channelsLast(l: WalkLayer): boolean {
  const f = cfg(l).dataFormat;
  return f == null || f === 'channelsLast';
}

/** Why the layer between A and B breaks f(x/s) = f(x)/s, or null when it does not. */
function passThroughProblem(l: WalkLayer): string | null {
  const cls = l.getClassName();
  const c = cfg(l);
  if (cls === 'Activation') return HOMOGENEOUS_ACTIVATIONS.has(String(c.activation)) ? null : `activation ${String(c.activation)} is not positively homogeneous`;
  if (cls === 'ReLU') return c.maxValue == null ? null : 'ReLU with maxValue (e.g. ReLU6) is not positively homogeneous';
  if (cls === 'BatchNormalization') return 'BatchNormalization between them (fold it into the layer first)';
  if (!PASS_THROUGH.has(cls)) return `${cls} between them does not commute with per-channel scaling`;
  return channelsLast(l) ? null : `${cls} is channels-first`;
}

function outChannels(layer: WalkLayer, kernel: LayerVariable): number {
  const s = kernel.shape as number[];
  return layer.getClassName() === 'DepthwiseConv2D' ? s[2] * s[3] : s[s.length - 1];
}

/** The second layer's kernel as [pre, C, post], or null when its input is not C (or k·C after Flatten). */
function inputView(layer: WalkLayer, kernel: LayerVariable, channels: number, flattened: boolean): [number, number, number] | null {
  const s = kernel.shape as number[];
  const cls = layer.getClassName();
  if (cls === 'Dense') {
    const [d, out] = s;
    if (d === channels) return [1, channels, out];
    return flattened && d % channels === 0 ? [d / channels, channels, out] : null;
  }
  return s[2] === channels ? [s[0] * s[1], channels, s[3]] : null;
}

export function findEqualizablePairs(model: LayersModel): { pairs: EqualizablePair[]; skipped: SkippedPair[] } {
  const steps = walkSteps(model);
  const readers = new Map<number, WalkStep[]>();
  for (const st of steps) for (const id of st.inputIds) readers.set(id, [...(readers.get(id) ?? []), st]);
  const outputIds = new Set(model.outputs.map((t) => t.id));
  const pairs: EqualizablePair[] = [];
  const skipped: SkippedPair[] = [];

  for (const a of steps) {
    const first = a.layer;
    if (!WEIGHTED.has(first.getClassName())) continue;
    const kernelA = kernelOf(first);
    const skip = (second: string | null, reason: string) => skipped.push({ first: first.name, second, reason });
    if (!kernelA || outputIds.has(a.outputIds[0])) continue; // the head has no next layer
    if (first.inboundNodes.length > 1) { skip(null, 'the layer is shared (called more than once)'); continue; }
    if (!channelsLast(first)) { skip(null, 'channels-first layout'); continue; }
    const act = String(cfg(first).activation ?? 'linear');
    if (!HOMOGENEOUS_ACTIVATIONS.has(act)) { skip(null, `activation ${act} is not positively homogeneous`); continue; }

    let cur = a;
    let flattened = false;
    for (;;) {
      const id = cur.outputIds[0];
      const next = readers.get(id) ?? [];
      if (outputIds.has(id)) { if (cur !== a || next.length > 0) skip(null, 'its output is also a model output'); break; }
      if (next.length !== 1 || next[0].inputIds.length !== 1) { skip(null, `its output feeds ${next.length} layers`); break; }
      const n = next[0];
      if (WEIGHTED.has(n.layer.getClassName())) {
        const kernelB = kernelOf(n.layer);
        const channels = outChannels(first, kernelA);
        const view = kernelB && channelsLast(n.layer) && n.layer.inboundNodes.length === 1 ? inputView(n.layer, kernelB, channels, flattened) : null;
        if (view) pairs.push({ first, second: n.layer, channels, secondView: view });
        else skip(n.layer.name, 'the next layer is shared, channels-first, or its input does not line up with these channels');
        break;
      }
      const problem = passThroughProblem(n.layer);
      if (problem) { skip(n.layer.name, problem); break; }
      if (n.layer.getClassName() === 'Flatten') flattened = true;
      cur = n;
    }
  }
  return { pairs, skipped };
}
