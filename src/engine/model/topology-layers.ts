/**
 * Check a Keras (LayersModel) topology before TF.js builds it: every layer class must be one TF.js
 * registers, and functional inbound_nodes must form an acyclic graph of existing layers. TF.js's
 * own builder re-queues unsatisfiable nodes forever, so a cycle or dangling reference hangs it.
 */
import { serialization } from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // registers every layer class with SerializationMap
import { BonsaiError } from '../errors';
import { UNSAFE_KEYS } from './json';

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
/** tfjs-layers' isValidTensorName (common.ts). */
const TENSOR_NAME = /^[A-Za-z0-9][-A-Za-z0-9._/]*$/;
const MODEL_CLASSES = new Set(['Sequential', 'Model', 'Functional']);
/** Config keys under which Keras nests another layer (wrappers, RNN cells). */
const NESTED_LAYER_KEYS = ['layer', 'backward_layer', 'cell', 'cells'];

export function isKnownLayerClass(className: string): boolean {
  const map = serialization.SerializationMap.getMap().classNameMap;
  return Object.prototype.hasOwnProperty.call(map, className);
}

/** modelTopology as TF.js reads it: model.save() wraps it in {model_config, training_config}. */
export function kerasModelConfig(topology: Obj): Obj {
  return isObject(topology.model_config) ? topology.model_config : topology;
}

export function validateLayersTopology(topology: unknown, file: string): void {
  if (!isObject(topology)) throw bad(file, '"modelTopology" must be an object.');
  const model = kerasModelConfig(topology);
  if (typeof model.class_name !== 'string' || !MODEL_CLASSES.has(model.class_name)) {
    throw bad(file, `modelTopology.class_name is ${JSON.stringify(model.class_name)}; expected Sequential, Model or Functional.`);
  }
  validateModel(model, file, 'model');
}

function bad(file: string, message: string, layer?: string): BonsaiError {
  return new BonsaiError(
    'BAD_TOPOLOGY',
    `${file}: ${layer ? `layer "${layer}": ` : ''}${message}`,
    'The model.json topology is malformed. Re-export the model with model.save() or the TF.js converter (Keras 2 / tf.keras format).',
    file,
  );
}

function validateModel(model: Obj, file: string, where: string): void {
  const config = model.config;
  if (model.class_name === 'Sequential') {
    const layers = Array.isArray(config) ? config : isObject(config) ? config.layers : undefined;
    if (!Array.isArray(layers)) throw bad(file, `${where}: a Sequential config needs a "layers" array.`);
    layers.forEach((l, i) => validateLayer(l, file, `${where}.layers[${i}]`));
    return;
  }
  if (!isObject(config) || !Array.isArray(config.layers)) {
    throw bad(file, `${where}: a functional model config needs a "layers" array.`);
  }
  const layers = config.layers as unknown[];
  const names = new Set<string>();
  layers.forEach((l, i) => {
    // TF.js finds a functional layer by its own "name" (not config.name): without one, every node
    // that refers to it waits forever and the build never returns.
    if (isObject(l) && typeof l.name !== 'string') throw bad(file, `${where}.layers[${i}] has no "name"; a functional model refers to its layers by name.`);
    const name = validateLayer(l, file, `${where}.layers[${i}]`);
    if (names.has(name)) throw bad(file, 'the layer name is used twice.', name);
    names.add(name);
  });
  const graph = readInboundNodes(layers as Obj[], names, file);
  const nodeCounts = simulateBuild(graph, file);
  for (const key of ['input_layers', 'output_layers'] as const) {
    const refs = config[key];
    if (!Array.isArray(refs) || refs.length === 0) throw bad(file, `${where}: "${key}" must be a non-empty array.`);
    for (const ref of refs) {
      if (!isNodeRef(ref)) {
        throw bad(file, `${where}: each "${key}" entry must be [layerName, nodeIndex, tensorIndex], got ${JSON.stringify(ref)}.`);
      }
      const [name, nodeIndex] = ref;
      if (!names.has(name)) throw bad(file, `${where}: "${key}" refers to layer "${name}", which does not exist.`);
      if (nodeIndex >= (nodeCounts.get(name) ?? 0)) {
        throw bad(file, `${where}: "${key}" refers to node ${nodeIndex} of layer "${name}", which has ${nodeCounts.get(name) ?? 0}.`);
      }
    }
  }
}

/** Returns the layer's name after checking its class (and any layers nested inside it). */
function validateLayer(layer: unknown, file: string, where: string): string {
  if (!isObject(layer) || typeof layer.class_name !== 'string') throw bad(file, `${where} has no "class_name".`);
  const config = isObject(layer.config) ? layer.config : {};
  const rawName = layer.name ?? config.name;
  const name = typeof rawName === 'string' ? rawName : where;
  if (UNSAFE_KEYS.has(name) || name === '') throw bad(file, `${where} has the name "${name}", which is not allowed.`);
  for (const n of [layer.name, config.name]) {
    // TF.js names each weight "<layer>/<weight>" and throws on anything else, after allocating the first.
    if (n !== undefined && n !== null && (typeof n !== 'string' || !TENSOR_NAME.test(n))) {
      throw bad(file, `${where} has the name ${JSON.stringify(n)}; TF.js layer names start with a letter or digit and hold only letters, digits and - . _ /.`);
    }
  }
  const cls = layer.class_name;
  if (!isKnownLayerClass(cls)) {
    throw new BonsaiError(
      'UNKNOWN_LAYER',
      `${file}: layer "${name}" has class ${cls}, which TF.js does not know.`,
      `TF.js supports the standard Keras layers only. Replace ${cls} (a custom or newer Keras layer) with standard layers before converting.`,
      file,
    );
  }
  if (MODEL_CLASSES.has(cls)) validateModel(layer, file, `${where} ("${name}")`);
  for (const key of NESTED_LAYER_KEYS) {
    const nested = config[key];
    const list = Array.isArray(nested) ? nested : [nested];
    list.forEach((n, i) => {
      if (isObject(n) && typeof n.class_name === 'string') validateLayer(n, file, `${where}.${key}${Array.isArray(nested) ? `[${i}]` : ''}`);
    });
  }
  return name;
}

type NodeRef = [string, number, number, ...unknown[]];
function isNodeRef(v: unknown): v is NodeRef {
  return (
    Array.isArray(v) &&
    (v.length === 3 || v.length === 4) &&
    typeof v[0] === 'string' &&
    Number.isSafeInteger(v[1]) && (v[1] as number) >= 0 &&
    Number.isSafeInteger(v[2]) && (v[2] as number) >= 0 &&
    (v.length === 3 || v[3] === null || isObject(v[3]))
  );
}

interface LayerNodes {
  name: string;
  isInput: boolean;
  /** Each call of the layer: the [layer, nodeIndex] pairs it consumes. */
  nodes: [string, number][][];
}

function readInboundNodes(layers: Obj[], names: Set<string>, file: string): LayerNodes[] {
  return layers.map((layer) => {
    const name = (layer.name ?? (layer.config as Obj).name) as string;
    const inbound = layer.inbound_nodes ?? [];
    if (!Array.isArray(inbound)) throw bad(file, '"inbound_nodes" must be an array.', name);
    const nodes = inbound.map((node): [string, number][] => {
      if (isObject(node) && ('args' in node || 'kwargs' in node)) {
        throw bad(file, 'uses the Keras 3 inbound_nodes format ({args, kwargs}), which TF.js 4.22 cannot read. Save the model with tf.keras (Keras 2) and convert it again.', name);
      }
      if (!Array.isArray(node) || !node.every(isNodeRef)) {
        throw bad(file, `each inbound node must be an array of [layerName, nodeIndex, tensorIndex, kwargs?], got ${JSON.stringify(node).slice(0, 120)}.`, name);
      }
      return node.map((ref): [string, number] => {
        if (!names.has(ref[0])) throw bad(file, `an inbound node refers to layer "${ref[0]}", which does not exist.`, name);
        return [ref[0], ref[1]];
      });
    });
    return { name, isInput: layer.class_name === 'InputLayer', nodes };
  });
}

/** Replays TF.js's build order; returns how many nodes each layer ends up with. */
function simulateBuild(layers: LayerNodes[], file: string): Map<string, number> {
  const counts = new Map(layers.map((l) => [l.name, l.isInput ? 1 : 0]));
  const pending = new Map(layers.map((l) => [l.name, l.nodes.filter((n) => n.length > 0)]));
  let progress = true;
  while (progress) {
    progress = false;
    for (const l of layers) {
      const waiting = pending.get(l.name)!;
      const stillWaiting = waiting.filter((node) => {
        const ready = node.every(([src, idx]) => (counts.get(src) ?? 0) > idx);
        if (ready) counts.set(l.name, counts.get(l.name)! + 1);
        return !ready;
      });
      if (stillWaiting.length < waiting.length) progress = true;
      pending.set(l.name, stillWaiting);
    }
  }
  const stuck = layers.filter((l) => pending.get(l.name)!.length > 0);
  if (stuck.length === 0) return counts;
  const cycle = findCycle(stuck, new Set(stuck.map((l) => l.name)));
  if (cycle) throw bad(file, `inbound_nodes form a cycle: ${cycle.join(' → ')}. TF.js would never finish building this model.`, cycle[0]);
  const l = stuck[0];
  const [src, idx] = pending.get(l.name)![0].find(([s, i]) => (counts.get(s) ?? 0) <= i)!;
  throw bad(file, `an inbound node uses node ${idx} of layer "${src}", which only ever has ${counts.get(src)}.`, l.name);
}

function findCycle(layers: LayerNodes[], stuck: Set<string>): string[] | null {
  const deps = new Map(layers.map((l) => [l.name, [...new Set(l.nodes.flat().map(([s]) => s))].filter((s) => stuck.has(s))]));
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string): string[] | null => {
    if (state.get(n) === 'done') return null;
    if (state.get(n) === 'open') return [...stack.slice(stack.indexOf(n)), n];
    state.set(n, 'open');
    stack.push(n);
    for (const d of deps.get(n) ?? []) {
      const c = visit(d);
      if (c) return c;
    }
    stack.pop();
    state.set(n, 'done');
    return null;
  };
  for (const l of layers) {
    const c = visit(l.name);
    if (c) return c;
  }
  return null;
}
