/**
 * Build a TF.js model from validated artifacts. A failed load leaves no tensor or variable behind
 * (TF.js's own loaders leak what they built before a failure).
 */
import * as tf from '@tensorflow/tfjs-core';
import { loadGraphModelSync, type GraphModel } from '@tensorflow/tfjs-converter';
import { BonsaiError, outOfMemoryError } from '../errors';
import { loadLayers } from './layers-load';
import type { LoadedModel, PreparedModel } from './loaded';

export { fetchModelFiles } from './fetch-files';

export async function loadPrepared(p: PreparedModel): Promise<LoadedModel> {
  if (p.format === 'layers') {
    const before = new Set(Object.keys(tf.engine().registeredVariables));
    try {
      const model = await loadLayers(p);
      ownedVariables.set(model, model.weights.map((w) => w.name).filter((n) => !before.has(n)));
      return { format: 'layers', model, prepared: p };
    } catch (e) {
      throw toLoadError(e, p);
    }
  }
  return { format: 'graph', model: loadGraph(p), prepared: p };
}

/** Variables each loaded LayersModel created, by name (see disposeLoaded). */
const ownedVariables = new WeakMap<object, string[]>();
const disposed = new WeakSet<object>();

/**
 * Free everything the load created. LayersModel.dispose() alone is not enough: a layer called
 * twice in the graph (shared weights) keeps a reference count above one and is never freed.
 */
export function disposeLoaded(m: LoadedModel): void {
  if (disposed.has(m.model)) return;
  disposed.add(m.model);
  m.model.dispose();
  const registered = tf.engine().registeredVariables;
  for (const name of ownedVariables.get(m.model) ?? []) registered[name]?.dispose();
}

function loadGraph(p: PreparedModel): GraphModel {
  // Everything here is synchronous, so a scope safely catches the weight tensors TF.js decodes
  // before a failure; on success they are kept as the model's weights.
  const engine = tf.engine();
  engine.startScope();
  let model: GraphModel;
  try {
    // The type parameter only describes load()'s handler; the loaded model is the same class.
    model = loadGraphModelSync(p.artifacts) as unknown as GraphModel;
  } catch (e) {
    engine.endScope();
    throw toLoadError(e, p);
  }
  engine.endScope(Object.values(model.weights).flat());
  return model;
}

function toLoadError(e: unknown, p: PreparedModel): BonsaiError {
  if (e instanceof BonsaiError) return e;
  const file = p.modelJsonPath;
  // Not the model's fault: the same files load once memory is free.
  const oom = outOfMemoryError(e, `${file}: building the ${p.format === 'layers' ? 'LayersModel' : 'GraphModel'}`, file);
  if (oom) return oom;
  const message = e instanceof Error ? e.message : String(e);
  const layer = /Unknown (?:layer|class name)[:\s]+'?([\w.-]+)/i.exec(message);
  if (layer) {
    return new BonsaiError('UNKNOWN_LAYER', `${file}: TF.js does not know the layer class ${layer[1]} (${message})`,
      'TF.js supports the standard Keras layers only. Replace custom layers with standard ones before converting.', file);
  }
  const op = /Unknown op '([\w.-]+)'/.exec(message);
  if (op) {
    return new BonsaiError('UNSUPPORTED_OP', `${file}: the graph uses op ${op[1]}, which TF.js cannot run.`,
      'Convert the model again with a converter matching TF.js 4.22, or replace the op before converting.', file);
  }
  const weightsMismatch = /weight|shape mismatch/i.test(message);
  return new BonsaiError('MODEL_LOAD_FAILED', `${file}: TF.js could not build the ${p.format === 'layers' ? 'LayersModel' : 'GraphModel'}: ${message}`,
    weightsMismatch
      ? 'The weights in the manifest do not match the layers in model.json. Use model.json and the .bin files exported together.'
      : 'The model may come from a newer Keras/TensorFlow than TF.js 4.22 supports. Re-export it with tf.keras (Keras 2) and tensorflowjs_converter.',
    file);
}
