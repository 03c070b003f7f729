/**
 * Walks a LayersModel's topology (its config: Sequential or functional) and works out, for every
 * tensor, which channel spaces its last axis is made of (structured-spaces.ts): which layers own
 * prunable output channels, which layers must be sliced when those channels go, which channels
 * are tied together by merges, and which must stay (with the reason).
 */
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { BonsaiError } from '../../errors';
import { ChannelSpaces, multiplyLayout, sameStructure, singleSpaceLayout, type Layout, type Segment } from './structured-spaces';
import type { SkippedLayer } from './structured-types';

type Config = Record<string, unknown>;
type Shape = (number | null)[];

/** Layers whose output channels can be removed: the config field that counts them. */
export const PRODUCERS: Record<string, 'units' | 'filters'> = {
  Dense: 'units',
  Conv1D: 'filters',
  Conv2D: 'filters',
  Conv3D: 'filters',
  SeparableConv2D: 'filters',
};

/** Layers that act on each channel of the last axis on its own and keep the axis as it is. */
const PER_CHANNEL = new Set([
  'Dropout', 'SpatialDropout1D', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout',
  'ReLU', 'LeakyReLU', 'ELU', 'ThresholdedReLU',
  'MaxPooling1D', 'MaxPooling2D', 'MaxPooling3D', 'AveragePooling1D', 'AveragePooling2D', 'AveragePooling3D',
  'GlobalAveragePooling1D', 'GlobalAveragePooling2D', 'GlobalMaxPooling1D', 'GlobalMaxPooling2D',
  'ZeroPadding2D', 'Cropping2D', 'UpSampling2D', 'RepeatVector',
]);

/** Element-wise merges: their inputs' channels must be the same set, so they form one group. */
const ELEMENTWISE_MERGES = new Set(['Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum']);

export type LayerRole =
  | { kind: 'producer'; input: Layout; space: number }
  | { kind: 'depthwise'; input: Layout; output: Layout }
  | { kind: 'batchnorm'; input: Layout }
  /** No weights to slice: its output layout follows from its inputs (Activation, Add, Flatten, …). */
  | { kind: 'follows' }
  /** Weights and config stay as they are (its inputs keep all channels): InputLayer, unsupported layers. */
  | { kind: 'unchanged' };

export interface ChannelGraph {
  spaces: ChannelSpaces;
  roles: Map<string, LayerRole>;
  /** Layers that own output channels, in topological order. */
  producers: string[];
  /** Layers that structured pruning cannot rebuild with fewer channels, with why. */
  unsupported: SkippedLayer[];
}

interface TopologyNode {
  name: string;
  className: string;
  config: Config;
  /** Input tensor keys ("layer:node:tensor") of its call (of all its calls, for a shared layer). */
  inputs: string[];
  shared: boolean;
}

const key = (layer: string, node: number, tensor: number) => `${layer}:${node}:${tensor}`;
const SEQUENTIAL_INPUT = key('(input)', 0, 0);

function readTopology(model: LayersModel): { nodes: TopologyNode[]; inputs: string[]; outputs: string[] } {
  const config = model.getConfig() as Config;
  const layers = (config.layers ?? []) as Config[];
  if (model.getClassName() === 'Sequential') {
    const nodes: TopologyNode[] = [];
    let previous = SEQUENTIAL_INPUT;
    const inputs = [SEQUENTIAL_INPUT];
    for (const entry of layers) {
      const layerConfig = (entry.config ?? {}) as Config;
      const name = String(layerConfig.name);
      const className = String(entry.className);
      if (className === 'InputLayer') {
        inputs[0] = key(name, 0, 0);
        previous = inputs[0];
        nodes.push({ name, className, config: layerConfig, inputs: [], shared: false });
        continue;
      }
      nodes.push({ name, className, config: layerConfig, inputs: [previous], shared: false });
      previous = key(name, 0, 0);
    }
    return { nodes, inputs, outputs: [previous] };
  }
  const nodes = layers.map((entry): TopologyNode => {
    const inbound = (entry.inboundNodes ?? []) as unknown[][][];
    return {
      name: String(entry.name),
      className: String(entry.className),
      config: (entry.config ?? {}) as Config,
      inputs: inbound.length === 1 ? inbound[0].map((t) => key(String(t[0]), Number(t[1]), Number(t[2]))) : inbound.flat().map((t) => key(String(t[0]), Number(t[1]), Number(t[2]))),
      shared: inbound.length > 1,
    };
  });
  const refs = (list: unknown) => ((list ?? []) as unknown[][]).map((t) => key(String(t[0]), Number(t[1]), Number(t[2])));
  return { nodes, inputs: refs(config.inputLayers), outputs: refs(config.outputLayers) };
}

function asShapes(value: unknown): Shape[] {
  if (!Array.isArray(value)) return [];
  if (value.length > 0 && Array.isArray(value[0])) return value as Shape[];
  return [value as Shape];
}

/** Input and output shapes of a layer's (one) call. */
function shapesOf(model: LayersModel, name: string): { inputs: Shape[]; outputs: Shape[] } {
  const layer = model.getLayer(name);
  const node = layer.inboundNodes[0];
  if (!node) return { inputs: [], outputs: [] };
  return { inputs: asShapes(node.inputShapes), outputs: asShapes(node.outputShapes) };
}

function lastDim(shape: Shape | undefined): number | null {
  const d = shape?.[shape.length - 1];
  return typeof d === 'number' && d > 0 ? d : null;
}

/** The axis normalised to a non-negative index, or null when it is not the last axis. */
function isLastAxis(axis: unknown, rank: number): boolean {
  const a = Array.isArray(axis) ? (axis.length === 1 ? axis[0] : NaN) : axis;
  return typeof a === 'number' && (a === -1 || a === rank - 1);
}

function channelsLast(config: Config): boolean {
  return config.dataFormat === undefined || config.dataFormat === null || config.dataFormat === 'channelsLast';
}

function mixesChannels(activation: unknown): boolean {
  return typeof activation === 'string' && /softmax/i.test(activation);
}

/** Why this layer cannot take part (null: it can), from its class and config. */
function unsupportedReason(node: TopologyNode): string | null {
  const { className, config } = node;
  if (node.shared) return 'it is called more than once (a shared layer)';
  if (!channelsLast(config)) return `its data format is ${String(config.dataFormat)}; only channels-last is supported`;
  if (className === 'Activation' && mixesChannels(config.activation)) return `its ${String(config.activation)} mixes all channels`;
  if (className === 'Reshape') return 'a Reshape moves channels to other positions';
  return null;
}

/** Analyse which channels of a LayersModel can be removed together. */
export function analyzeChannels(model: LayersModel): ChannelGraph {
  const spaces = new ChannelSpaces();
  const roles = new Map<string, LayerRole>();
  const producers: string[] = [];
  const unsupported: SkippedLayer[] = [];
  const layouts = new Map<string, Layout>();
  const { nodes, inputs, outputs } = readTopology(model);
  if (outputs.length === 0) throw new BonsaiError('BAD_TOPOLOGY', 'Error in analyzeChannels: the model has no outputs.');

  const layoutOf = (tensor: string, shapeHint?: Shape): Layout => {
    const known = layouts.get(tensor);
    if (known) return known;
    // The output of a layer kept as it is (or the model input): a space nobody can prune.
    const size = lastDim(shapeHint) ?? 1;
    const layout = singleSpaceLayout(spaces.add(size, null, `it comes from ${tensor.split(':')[0]}, whose channels are fixed`), size);
    layouts.set(tensor, layout);
    return layout;
  };
  const blockAll = (layout: Layout, reason: string) => layout.segments.forEach((s) => spaces.block(s.space, reason));

  for (const input of inputs) {
    const name = input.split(':')[0];
    const shape = model.inputs[inputs.indexOf(input)]?.shape as Shape | undefined;
    const size = lastDim(shape) ?? 1;
    layouts.set(input, singleSpaceLayout(spaces.add(size, null, `the model input (${name}) keeps its channels`), size));
  }

  for (const node of nodes) {
    const { name, className, config } = node;
    if (className === 'InputLayer') {
      roles.set(name, { kind: 'unchanged' });
      continue;
    }
    const shapes = shapesOf(model, name);
    const ins = node.inputs.map((t, i) => layoutOf(t, shapes.inputs[i]));
    const out = key(name, 0, 0);
    const refuse = (why: string) => {
      unsupported.push({ layer: name, reason: `${className}: ${why}; the layers feeding it keep all their channels.` });
      ins.forEach((l) => blockAll(l, `it feeds ${name} (${className}), which structured pruning cannot rebuild with fewer channels`));
      roles.set(name, { kind: 'unchanged' });
    };

    const reason = unsupportedReason(node);
    if (reason !== null) {
      refuse(reason);
      continue;
    }
    if (className in PRODUCERS) {
      const size = Number(config[PRODUCERS[className]]);
      if (ins.length !== 1 || !(size > 0)) {
        refuse('it does not have exactly one input');
        continue;
      }
      const space = spaces.add(size, name);
      if (mixesChannels(config.activation)) spaces.block(space, `its ${String(config.activation)} activation spans all its units`);
      layouts.set(out, singleSpaceLayout(space, size));
      roles.set(name, { kind: 'producer', input: ins[0], space });
      producers.push(name);
      continue;
    }
    if (ins.length !== 1 && !ELEMENTWISE_MERGES.has(className) && className !== 'Concatenate') {
      refuse(`it has ${ins.length} inputs`);
      continue;
    }
    if (className === 'DepthwiseConv2D') {
      const mult = Number(config.depthMultiplier ?? 1);
      if (ins[0].positions !== 1 || !(mult >= 1)) {
        refuse('its input is not a channel-last image');
        continue;
      }
      const output = multiplyLayout(ins[0], mult);
      layouts.set(out, output);
      roles.set(name, { kind: 'depthwise', input: ins[0], output });
      continue;
    }
    if (className === 'BatchNormalization') {
      if (!isLastAxis(config.axis ?? -1, shapes.inputs[0]?.length ?? 0)) {
        refuse(`it normalises axis ${JSON.stringify(config.axis)}, not the channel axis`);
        continue;
      }
      layouts.set(out, ins[0]);
      roles.set(name, { kind: 'batchnorm', input: ins[0] });
      continue;
    }
    if (PER_CHANNEL.has(className) || className === 'Activation') {
      layouts.set(out, ins[0]);
      roles.set(name, { kind: 'follows' });
      continue;
    }
    if (className === 'Flatten') {
      const length = lastDim(shapes.outputs[0]);
      const blocks = length === null ? NaN : length / ins[0].channels;
      if (!Number.isInteger(blocks)) {
        refuse('its output size is not known');
        continue;
      }
      layouts.set(out, { ...ins[0], positions: blocks });
      roles.set(name, { kind: 'follows' });
      continue;
    }
    const rank = shapes.inputs[0]?.length ?? 0;
    if (className === 'Concatenate' && isLastAxis(config.axis ?? -1, rank)) {
      if (ins.some((l) => l.positions !== 1)) {
        refuse('it joins flattened tensors');
        continue;
      }
      const segments: Segment[] = [];
      let offset = 0;
      for (const l of ins) {
        for (const s of l.segments) segments.push({ ...s, offset: offset + s.offset });
        offset += l.channels;
      }
      layouts.set(out, { segments, channels: offset, positions: 1 });
      roles.set(name, { kind: 'follows' });
      continue;
    }
    if (ELEMENTWISE_MERGES.has(className) || className === 'Concatenate') {
      // Concatenate along another axis also needs identical channel sets.
      if (!ins.every((l) => sameStructure(l, ins[0], spaces))) {
        refuse('its inputs lay out their channels differently');
        continue;
      }
      for (const l of ins.slice(1)) l.segments.forEach((s, i) => spaces.union(ins[0].segments[i].space, s.space, name));
      layouts.set(out, ins[0]);
      roles.set(name, { kind: 'follows' });
      continue;
    }
    refuse('this layer type is not supported by structured pruning');
  }

  for (const output of outputs) {
    const layout = layouts.get(output);
    if (layout) blockAll(layout, `it reaches the model output (${output.split(':')[0]})`);
  }
  return { spaces, roles, producers, unsupported };
}
