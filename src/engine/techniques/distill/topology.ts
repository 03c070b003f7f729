/**
 * Editing a Keras/TF.js layers topology as JSON (what `model.toJSON(null, false)` returns and
 * model.json stores): finding the classifier, scaling filters/units, seeding initializers,
 * swapping the output activation. A model rebuilt from the edited JSON infers every input size
 * again, so BatchNorm, depthwise and the layers after a scaled layer are sized to match.
 */
import { BonsaiError } from '../../errors';
import { repeatedBlockIndices } from './repeats';
import { scaledUnits, SCALABLE_CLASSES } from './size';
import type { ScaledStudent } from './meta';

export interface LayerJson {
  class_name: string;
  config: Record<string, unknown>;
  /** Functional models only. */
  name?: string;
  inbound_nodes?: unknown[];
}

export interface TopologyJson {
  class_name: string;
  config: { name?: string; layers: LayerJson[]; input_layers?: unknown[]; output_layers?: [string, number, number][] };
  [key: string]: unknown;
}

const layerName = (l: LayerJson) => String(l.config.name ?? l.name);
const widthKey = (l: LayerJson): 'units' | 'filters' | null =>
  !SCALABLE_CLASSES.has(l.class_name) ? null : typeof l.config.units === 'number' ? 'units' : typeof l.config.filters === 'number' ? 'filters' : null;

/** The units/filters a layer sets, or null for layers that do not set their own width. */
export function layerWidth(l: LayerJson): number | null {
  const key = widthKey(l);
  return key ? (l.config[key] as number) : null;
}

export function isSequential(t: TopologyJson): boolean {
  return t.class_name === 'Sequential';
}

/** The layer whose output is the model's (first) output. */
export function outputLayer(t: TopologyJson): LayerJson | undefined {
  const layers = t.config.layers;
  if (isSequential(t)) return layers[layers.length - 1];
  const name = t.config.output_layers?.[0]?.[0];
  return layers.find((l) => layerName(l) === name);
}

/**
 * The classifier: the layer that sets the output's class count. Sequential: the last layer with
 * units/filters. Functional: walk back from the output through single-input layers to the first
 * one with units/filters.
 */
export function classifierName(t: TopologyJson): string | null {
  const layers = t.config.layers;
  if (isSequential(t)) {
    for (let i = layers.length - 1; i >= 0; i--) if (widthKey(layers[i])) return layerName(layers[i]);
    return null;
  }
  const byName = new Map(layers.map((l) => [layerName(l), l]));
  let current = outputLayer(t);
  for (let hops = 0; current && hops < layers.length; hops++) {
    if (widthKey(current)) return layerName(current);
    const nodes = (current.inbound_nodes ?? []) as unknown[][][];
    const inputs = nodes[0] ?? [];
    if (nodes.length !== 1 || inputs.length !== 1) return null;
    current = byName.get(String(inputs[0][0]));
  }
  return null;
}

const DROPOUT_CLASSES = new Set(['Dropout', 'SpatialDropout1D', 'SpatialDropout2D', 'SpatialDropout3D', 'GaussianDropout', 'AlphaDropout', 'GaussianNoise']);

const SEEDED_INITIALIZERS = new Set([
  'RandomUniform', 'RandomNormal', 'TruncatedNormal', 'VarianceScaling', 'GlorotUniform', 'GlorotNormal',
  'HeUniform', 'HeNormal', 'LeCunUniform', 'LeCunNormal', 'Orthogonal',
]);

/** Give every random initializer its own seed derived from `seed`: the same seed builds the same weights. */
export function seedInitializers(t: TopologyJson, seed: number): void {
  let k = 0;
  for (const layer of t.config.layers) {
    for (const [key, value] of Object.entries(layer.config)) {
      if (!key.endsWith('_initializer') || typeof value !== 'object' || value === null) continue;
      const init = value as { class_name?: string; config?: Record<string, unknown> };
      if (init.class_name && SEEDED_INITIALIZERS.has(init.class_name)) init.config = { ...(init.config ?? {}), seed: seed * 1000 + k++ };
    }
  }
}

/**
 * Turn a softmax on the output layer into a linear activation, so the student trains on exact
 * logits (log of a clipped softmax has no gradient below the clip). Returns what to put back on
 * export, or null when there was no softmax activation to remove.
 */
export function linearizeOutput(t: TopologyJson): { layer: string; activation: string } | null {
  const out = outputLayer(t);
  if (!out || out.config.activation !== 'softmax') return null;
  out.config.activation = 'linear';
  return { layer: layerName(out), activation: 'softmax' };
}

/** Set `activation` on the named layer of a model.json's topology (the inverse of linearizeOutput). */
export function setActivation(modelTopology: unknown, layer: string, activation: string): void {
  const topo = modelTopology as { model_config?: TopologyJson } & TopologyJson;
  const t = topo.model_config ?? topo;
  const target = t.config.layers.find((l) => layerName(l) === layer);
  if (!target) throw new BonsaiError('INTERNAL', `Error in distill: the exported student has no layer '${layer}' to restore its ${activation} on.`);
  target.config.activation = activation;
}

export interface ScaledTopology {
  topology: TopologyJson;
  widths: { layer: string; teacher: number; student: number }[];
  /** Layers dropped as repeats (dropRepeated). */
  dropped: string[];
  /** Dropout layers left out (removeDropout). */
  removedDropout: string[];
  notes: string[];
}

function badLayerNames(field: string, names: string[], scalable: string[]): BonsaiError {
  return new BonsaiError('BAD_CONFIG', `Error in distill settings: ${field} names ${names.map((n) => `'${n}'`).join(', ')}, which ${names.length > 1 ? 'are not layers' : 'is not a layer'} the student can resize.`,
    `Layers with filters/units (the classifier keeps its classes): ${scalable.join(', ') || 'none'}.`);
}

/**
 * A scaled copy of a teacher topology: filters/units × width (or per-layer), the classifier kept,
 * optionally without repeated blocks (`outputShapes` gives each teacher layer's output shape, so
 * only blocks that map a shape to itself are dropped). Seeded initializers.
 */
export function scaleTopology(teacher: TopologyJson, spec: Omit<ScaledStudent, 'kind'>, seed: number, outputShapes: (name: string) => unknown): ScaledTopology {
  const t = JSON.parse(JSON.stringify(teacher)) as TopologyJson;
  const head = classifierName(t);
  if (head === null) {
    throw new BonsaiError('NOT_TRAINABLE', "Error in distill: the teacher has no Dense or convolution layer to scale (or its classifier cannot be found).",
      'Choose a preset student or a library model instead of a scaled copy.');
  }
  const scalable = t.config.layers.filter((l) => widthKey(l) && layerName(l) !== head).map(layerName);
  const unknown = Object.keys(spec.perLayer ?? {}).filter((n) => !scalable.includes(n));
  if (unknown.length > 0) throw badLayerNames('student.perLayer', unknown, scalable);

  const notes: string[] = [];
  const dropped: string[] = [];
  const removedDropout: string[] = [];
  if (spec.dropRepeated) {
    if (!isSequential(t)) {
      notes.push('Repeated blocks are only dropped from sequential models; this teacher is functional, so none were.');
    } else {
      const layers = t.config.layers;
      // The architecture, not how it was initialized or named.
      const signature = (l: LayerJson) => {
        const settings = Object.entries(l.config).filter(([k]) => k !== 'name' && !k.endsWith('_initializer'));
        return JSON.stringify([l.class_name, settings, outputShapes(layerName(l))]);
      };
      const headIndex = layers.findIndex((l) => layerName(l) === head);
      const drop = new Set(repeatedBlockIndices(layers, (a, b) => signature(a) === signature(b), (l) => widthKey(l) !== null || l.class_name === 'BatchNormalization' || l.class_name === 'DepthwiseConv2D', headIndex));
      dropped.push(...layers.filter((_, i) => drop.has(i)).map(layerName));
      t.config.layers = layers.filter((_, i) => !drop.has(i));
    }
  }

  if (spec.removeDropout) {
    if (!isSequential(t)) {
      notes.push('Dropout is only removed from sequential models; this teacher is functional, so its dropout stays.');
    } else {
      const kept = t.config.layers.filter((l) => !DROPOUT_CLASSES.has(l.class_name));
      removedDropout.push(...t.config.layers.filter((l) => DROPOUT_CLASSES.has(l.class_name)).map(layerName));
      // The first layer carries the model's input shape: hand it on if it was a dropout.
      const inputShape = t.config.layers[0]?.config.batch_input_shape;
      if (kept.length > 0 && inputShape !== undefined && kept[0].config.batch_input_shape === undefined) kept[0].config.batch_input_shape = inputShape;
      t.config.layers = kept;
    }
  }

  const widths: ScaledTopology['widths'] = [];
  for (const l of t.config.layers) {
    const key = widthKey(l);
    if (!key || layerName(l) === head) continue;
    const before = l.config[key] as number;
    const after = scaledUnits(before, spec.width, spec.perLayer?.[layerName(l)]);
    l.config[key] = after;
    widths.push({ layer: layerName(l), teacher: before, student: after });
  }
  seedInitializers(t, seed);
  return { topology: t, widths, dropped, removedDropout, notes };
}
