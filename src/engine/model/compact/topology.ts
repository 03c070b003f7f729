/**
 * A Layers topology without the keys stock `tf.loadLayersModel` fills in by itself (layer-defaults.ts),
 * so the model it builds is the same model. Also dropped:
 *  - `*_initializer` of the classes in INITIALIZER_SAFE_CLASSES when the file carries weights: with
 *    weights, the loader builds every layer with fast weight init (tfjs-layers models.js
 *    `loadLayersModelFromIOHandler`: `fastWeightInit = weightData != null && weightSpecs != null &&
 *    strict`), so `addWeight` uses zeros and the written initializer never runs before the weights
 *    overwrite it. (A model rebuilt from the loaded one's getConfig then starts from TF.js's default
 *    initializer instead of the written one; the loaded weights are untouched.)
 *  - `keras_version`, `backend` and `training_config` beside the model config: the layers loader
 *    never reads them (it compiles only from model.json's top-level trainingConfig).
 *  - an empty kwargs object `{}` closing an inbound node: container.js reads `inputData[3] == null ? {}`.
 */
import { defaultTest, INITIALIZER_SAFE_CLASSES } from './layer-defaults';

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const MODEL_CLASSES: ReadonlySet<string> = new Set(['Sequential', 'Model', 'Functional']);
const UNREAD_BESIDE_MODEL = ['keras_version', 'backend', 'training_config'];

export interface CompactTopologyOptions {
  /** The file lists weights, so the loader never runs an initializer (see above). */
  hasWeights: boolean;
}

/** One layer's config without the keys its constructor defaults to the same value. */
export function compactLayerConfig(className: string, config: Obj, opts: CompactTopologyOptions): Obj {
  const out: Obj = {};
  const dropInitializers = opts.hasWeights && INITIALIZER_SAFE_CLASSES.has(className);
  for (const [key, value] of Object.entries(config)) {
    if (dropInitializers && key.endsWith('_initializer')) continue;
    if (defaultTest(className, key)?.(value, config)) continue;
    out[key] = value;
  }
  return out;
}

function compactInboundNodes(nodes: unknown): unknown {
  if (!Array.isArray(nodes)) return nodes;
  return nodes.map((node) =>
    !Array.isArray(node)
      ? node
      : node.map((input) =>
          Array.isArray(input) && input.length === 4 && isObject(input[3]) && Object.keys(input[3]).length === 0 ? input.slice(0, 3) : input,
        ),
  );
}

/** A layer entry ({class_name, config, name?, inbound_nodes?}); a nested model is compacted as a model. */
function compactLayer(layer: unknown, opts: CompactTopologyOptions): unknown {
  if (!isObject(layer) || typeof layer.class_name !== 'string') return layer;
  if (MODEL_CLASSES.has(layer.class_name)) return compactModel(layer, opts);
  const out: Obj = { ...layer };
  if (isObject(layer.config)) out.config = compactLayerConfig(layer.class_name, layer.config, opts);
  if ('inbound_nodes' in layer) out.inbound_nodes = compactInboundNodes(layer.inbound_nodes);
  return out;
}

/** {class_name: 'Sequential' | 'Model' | 'Functional', config: {layers, …}} (Sequential may hold a bare array). */
function compactModel(model: Obj, opts: CompactTopologyOptions): Obj {
  const out: Obj = { ...model };
  for (const key of UNREAD_BESIDE_MODEL) delete out[key];
  const config = model.config;
  if (Array.isArray(config)) out.config = config.map((l) => compactLayer(l, opts));
  else if (isObject(config) && Array.isArray(config.layers)) {
    out.config = { ...config, layers: config.layers.map((l) => compactLayer(l, opts)) };
  }
  if ('inbound_nodes' in model) out.inbound_nodes = compactInboundNodes(model.inbound_nodes);
  return out;
}

/** model.json's `modelTopology` for a LayersModel, compacted; anything unrecognised is returned as is. */
export function compactLayersTopology(topology: unknown, opts: CompactTopologyOptions): unknown {
  if (!isObject(topology)) return topology;
  if (isObject(topology.model_config)) {
    // Keras-converted files wrap the model: {keras_version, backend, model_config, training_config}.
    const out: Obj = { ...topology, model_config: compactModel(topology.model_config, opts) };
    for (const key of UNREAD_BESIDE_MODEL) delete out[key];
    return out;
  }
  return typeof topology.class_name === 'string' ? compactModel(topology, opts) : topology;
}
