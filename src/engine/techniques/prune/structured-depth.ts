/**
 * Depth pruning: remove whole layers, not channels. On wasm at batch 1 a small model's latency is
 * mostly per-layer overhead (LeNet-5 with every hidden layer at one filter/unit was only 1.05–1.3×
 * faster), so fewer layers is what makes it faster there. Two cuts, each followed by a fine-tune:
 *
 * - Pooling folded into the stride: a Conv2D (stride 1) whose only path to a non-overlapping
 *   MaxPooling2D/AveragePooling2D runs through per-position layers (BatchNorm, activations, which
 *   stay) becomes a Conv2D with the pool's stride and a kernel grown to cover the pool's window
 *   (k + s − 1), when the output shape is the same (so nothing downstream changes). Its kernel
 *   starts as the old one averaged over the window offsets (exact for conv → average pool); it
 *   computes 1/s² of the positions, and the fine-tune adapts it.
 * - Hidden Dense layers merged into the layer after them, counting back from the output: for a
 *   Dense R feeding only a Dense N (through dropout or activation layers, removed with it), N gets
 *   kernel W_R·W_N and bias b_R·W_N + b_N. Exact when nothing nonlinear sits between them;
 *   otherwise a starting point for the fine-tune.
 *
 * The input model is never changed; applyDepth returns a new model the caller disposes.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { BonsaiError } from '../../errors';
import { modelFromConfig } from './model-config';

const OP = 'pruneStructured';
type Config = Record<string, unknown>;
type Layer = tfl.layers.Layer;

export interface PoolFold {
  conv: string;
  pool: string;
  stride: number;
  /** The conv's kernel after the fold, grown to cover the pool's window: k + stride − 1. */
  kernel: number[];
}

export interface DenseMerge {
  /** The hidden Dense layer removed. */
  removed: string;
  /** The Dense layer after it, which takes over its input. */
  into: string;
  /** Dropout and activation layers between them, removed too (dropout is the identity at inference). */
  between: string[];
  /** The activations lost in the merge, R's own and any activation layers between ('linear': exact). */
  activation: string;
}

export interface DepthPlan {
  folds: PoolFold[];
  merges: DenseMerge[];
  /** Conv→pool pairs that stay, with why (shown in the notes). */
  kept: { layer: string; reason: string }[];
}

export interface DepthOptions {
  foldPooling?: boolean;
  /** Hidden Dense layers merged away, counting back from the output layer. */
  mergeDense?: number;
}

const pair = (x: unknown): number[] => (Array.isArray(x) ? x.map(Number) : [Number(x), Number(x)]);

function consumers(layer: Layer): Layer[] {
  const nodes = (layer as unknown as { outboundNodes: { outboundLayer: Layer }[] }).outboundNodes;
  return nodes.map((n) => n.outboundLayer);
}

function producers(layer: Layer): Layer[] {
  const nodes = (layer as unknown as { inboundNodes: { inboundLayers: Layer[] }[] }).inboundNodes;
  return nodes.flatMap((n) => n.inboundLayers);
}

/** Output size along one axis of a conv or pool with this kernel, stride and padding. */
function outSize(n: number, k: number, s: number, padding: string): number {
  return padding === 'same' ? Math.ceil(n / s) : Math.floor((n - k) / s) + 1;
}

/** Why this conv → pool pair cannot become one strided conv, or null with the stride. */
function foldable(conv: Layer, pool: Layer): { stride: number; kernel: number[] } | string {
  const c = conv.getConfig() as Config;
  const p = pool.getConfig() as Config;
  if (pair(c.strides).some((s) => s !== 1)) return 'the convolution already has a stride';
  if (pair(c.dilationRate ?? 1).some((d) => d !== 1)) return 'the convolution is dilated';
  if ((c.dataFormat ?? 'channelsLast') !== 'channelsLast' || (p.dataFormat ?? 'channelsLast') !== 'channelsLast') return 'it is not channels-last';
  const size = pair(p.poolSize);
  const strides = pair(p.strides ?? p.poolSize);
  if (size[0] !== size[1] || strides.join() !== size.join()) return 'the pooling windows overlap or are not square';
  if (p.padding !== 'valid') return "the pooling is not 'valid'-padded";
  const inShape = (conv.input as tfl.SymbolicTensor).shape;
  const [h, w] = [inShape[1], inShape[2]];
  if (typeof h !== 'number' || typeof w !== 'number') return 'its input size is not fixed';
  const k = pair(c.kernelSize);
  const s = size[0];
  const pooledShape = (pool.output as tfl.SymbolicTensor).shape;
  const strided = [outSize(h, k[0] + s - 1, s, String(c.padding)), outSize(w, k[1] + s - 1, s, String(c.padding))];
  if (strided[0] !== pooledShape[1] || strided[1] !== pooledShape[2]) {
    return `a stride-${s} convolution would give ${strided.join('×')} outputs where the pooling gives ${pooledShape[1]}×${pooledShape[2]}`;
  }
  return { stride: s, kernel: k.map((d) => d + s - 1) };
}

const POOLS = new Set(['MaxPooling2D', 'AveragePooling2D']);
/** Per-position layers a conv → pool fold may look through (they stay, computed at the strided positions). */
const PER_POSITION = new Set(['BatchNormalization', 'Activation', 'ReLU', 'LeakyReLU', 'ELU']);
/** Layers that are the identity at inference, removed with the Dense layer they sit after. */
const INFERENCE_IDENTITY = new Set(['Dropout', 'SpatialDropout1D', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout']);
const ACTIVATION_LAYERS = new Set(['Activation', 'ReLU', 'LeakyReLU', 'ELU']);

/** The layer's single consumer, or null when it has none or several. */
function only(layers: Layer[]): Layer | null {
  return layers.length === 1 ? layers[0] : null;
}

/** The pooling layer a conv feeds through per-position layers only (BatchNorm, activations), or null. */
function poolAfter(conv: Layer, outputs: ReadonlySet<string>): Layer | null {
  if (outputs.has(conv.name)) return null;
  let next = only(consumers(conv));
  while (next && PER_POSITION.has(next.getClassName()) && !outputs.has(next.name)) next = only(consumers(next));
  return next && POOLS.has(next.getClassName()) ? next : null;
}

/** The activation an activation layer applies, for the notes. */
function activationOf(layer: Layer): string {
  const c = layer.getConfig() as Config;
  return layer.getClassName() === 'Activation' ? String(c.activation) : layer.getClassName().toLowerCase();
}

/** The cuts `opts` asks for on this model; throws BAD_CONFIG when fewer Dense layers can merge than asked. */
export function planDepth(model: tfl.LayersModel, opts: DepthOptions): DepthPlan {
  const plan: DepthPlan = { folds: [], merges: [], kept: [] };
  // A layer whose output the model returns keeps its shape: no fold may pass through it (merges need one output).
  const outputs = new Set(model.outputs.map((t) => t.sourceLayer.name));
  if (opts.foldPooling) {
    for (const conv of model.layers) {
      if (conv.getClassName() !== 'Conv2D') continue;
      const pool = poolAfter(conv, outputs);
      if (!pool) continue;
      const why = foldable(conv, pool);
      if (typeof why === 'string') plan.kept.push({ layer: `${conv.name} → ${pool.name}`, reason: why });
      else plan.folds.push({ conv: conv.name, pool: pool.name, ...why });
    }
  }
  const wanted = opts.mergeDense ?? 0;
  if (wanted > 0) {
    if (model.outputs.length !== 1) {
      throw new BonsaiError('BAD_CONFIG', `Error in ${OP}: merging Dense layers needs a model with one output; this one has ${model.outputs.length}.`, 'Set the Dense layers to merge to 0.');
    }
    let into = model.outputs[0].sourceLayer as Layer;
    let why = into.getClassName() === 'Dense' ? '' : `the output layer ${into.name} is a ${into.getClassName()}, not a Dense layer`;
    while (!why && plan.merges.length < wanted) {
      // Look back through dropout (the identity at inference) and activation layers.
      const between: Layer[] = [];
      let r = only(producers(into));
      while (r && (INFERENCE_IDENTITY.has(r.getClassName()) || ACTIVATION_LAYERS.has(r.getClassName())) && only(consumers(r))) {
        between.push(r);
        r = only(producers(r));
      }
      if (!r || r.getClassName() !== 'Dense') why = `${into.name} is not fed by a Dense layer`;
      else if (consumers(r).length !== 1) why = `${r.name} feeds more than one layer`;
      else if (producers(r).length !== 1) why = `${r.name} is called more than once (a shared layer)`;
      else {
        const own = String((r.getConfig() as Config).activation ?? 'linear');
        const lost = [...(own === 'linear' ? [] : [own]), ...between.filter((l) => ACTIVATION_LAYERS.has(l.getClassName())).map(activationOf)];
        plan.merges.push({ removed: r.name, into: into.name, between: between.map((l) => l.name), activation: lost.join(' + ') || 'linear' });
        into = r; // the next merge removes the layer before r, into r's place (now the merged layer)
      }
    }
    if (plan.merges.length < wanted) {
      throw new BonsaiError('BAD_CONFIG', `Error in ${OP}: ${wanted} hidden Dense layer${wanted > 1 ? 's' : ''} asked to merge, but only ${plan.merges.length} can: ${why}.`,
        `Set the Dense layers to merge to at most ${plan.merges.length}.`);
    }
  }
  return plan;
}

/** Remove `name` from a model config, wiring its consumers to its own input. */
/** Where the layer `name` sits in a model config's layer list (-1 when absent). */
function indexInConfig(config: Config, name: string): number {
  return (config.layers as Config[]).findIndex((e) => String(e.name ?? (e.config as Config).name) === name);
}

function removeFromConfig(config: Config, name: string): void {
  const layers = config.layers as Config[];
  const at = indexInConfig(config, name);
  if (at < 0) throw new BonsaiError('INTERNAL', `Error in ${OP}: the model's config has no layer "${name}" to remove.`);
  const [entry] = layers.splice(at, 1);
  const inner = entry.config as Config;
  if (inner.batchInputShape && layers[at]) (layers[at].config as Config).batchInputShape = inner.batchInputShape;
  const source = ((entry.inboundNodes as unknown[][][] | undefined) ?? [])[0]?.[0];
  if (!source) return; // Sequential: order is the wiring
  const rewire = (ref: unknown[]) => (ref[0] === name ? [source[0], source[1], source[2], ...ref.slice(3)] : ref);
  for (const e of layers) e.inboundNodes = ((e.inboundNodes as unknown[][][]) ?? []).map((node) => node.map(rewire));
  config.outputLayers = ((config.outputLayers as unknown[][]) ?? []).map(rewire);
}

/**
 * The kernel of a stride-s conv that covers the whole pool window: the k×k kernel placed at each of
 * the s×s offsets in a (k+s−1)² kernel, averaged. Exactly conv → average-pool when nothing sits
 * between them; with a ReLU and max-pooling between, the closest linear start.
 */
function grownKernel(kernel: tf.Tensor, s: number): tf.Tensor {
  return tf.tidy(() => {
    let sum: tf.Tensor | null = null;
    for (let a = 0; a < s; a++) {
      for (let b = 0; b < s; b++) {
        const placed = tf.pad(kernel, [[a, s - 1 - a], [b, s - 1 - b], [0, 0], [0, 0]]);
        sum = sum ? tf.add(sum, placed) : placed;
      }
    }
    return tf.div(sum as tf.Tensor, s * s);
  });
}

/** The merged kernel and bias of R then N (R's kernel [a, b], N's [b, c]). */
function mergedWeights(r: tf.Tensor[], rUsesBias: boolean, n: tf.Tensor[], nUsesBias: boolean): tf.Tensor[] {
  return tf.tidy(() => {
    const kernel = tf.matMul(r[0] as tf.Tensor2D, n[0] as tf.Tensor2D);
    // A copy: getWeights() returns the model's own variables, and the caller disposes what this returns.
    let bias: tf.Tensor = nUsesBias ? tf.clone(n[1]) : tf.zeros([n[0].shape[1] as number]);
    if (rUsesBias) bias = tf.add(tf.squeeze(tf.matMul(tf.expandDims(r[1], 0) as tf.Tensor2D, n[0] as tf.Tensor2D), [0]), bias);
    return [kernel, bias];
  });
}

/**
 * A new model with the plan's folds and merges applied: weights copied; the merged chain's kernels
 * multiplied into the outermost layer, which keeps its name and config and always has a bias.
 */
export function applyDepth(model: tfl.LayersModel, plan: DepthPlan): tfl.LayersModel {
  const config = model.getConfig() as Config;
  const entryOf = (name: string) => ((config.layers as Config[])[indexInConfig(config, name)]).config as Config;
  for (const f of plan.folds) {
    const c = entryOf(f.conv);
    c.strides = [f.stride, f.stride];
    c.kernelSize = f.kernel;
    removeFromConfig(config, f.pool);
  }
  const foldOf = new Map(plan.folds.map((f) => [f.conv, f]));
  const outer = plan.merges[0]?.into ?? null;
  let merged: tf.Tensor[] | null = null;
  try {
    if (outer) {
      const usesBias = (name: string) => (model.getLayer(name).getConfig() as Config).useBias !== false;
      // From the output inwards: each removed layer's kernel multiplied in front of the chain so far.
      let cur = model.getLayer(outer).getWeights();
      let curBias = usesBias(outer);
      for (const m of plan.merges) {
        const next = mergedWeights(model.getLayer(m.removed).getWeights(), usesBias(m.removed), cur, curBias);
        merged?.forEach((t) => t.dispose());
        merged = next;
        cur = next;
        curBias = true;
        for (const b of m.between) removeFromConfig(config, b);
        removeFromConfig(config, m.removed);
      }
      entryOf(outer).useBias = true;
    }
    const rebuilt = modelFromConfig(model, config);
    try {
      for (const layer of rebuilt.layers) {
        if (layer.weights.length === 0) continue;
        const fold = foldOf.get(layer.name);
        if (fold) {
          const [kernel, ...rest] = model.getLayer(layer.name).getWeights();
          const grown = grownKernel(kernel, fold.stride);
          try {
            layer.setWeights([grown, ...rest]);
          } finally {
            grown.dispose();
          }
        } else {
          layer.setWeights(layer.name === outer && merged ? merged : model.getLayer(layer.name).getWeights());
        }
      }
    } catch (e) {
      rebuilt.dispose();
      throw e;
    }
    return rebuilt;
  } finally {
    merged?.forEach((t) => t.dispose());
  }
}
