import type { LoadedModel } from '../engine/model/loaded';
import { BonsaiError } from '../engine/errors';
import { disposeLoaded } from '../engine/model/load';
import type { ModelId, ModelInfo } from './protocol';

/** The worker owns every loaded model; the main thread only holds ModelIds. */
const models = new Map<ModelId, { loaded: LoadedModel; info: ModelInfo }>();
let nextId = 1;
/**
 * Ids are unique across engine restarts (a new worker starts counting again): a result kept by
 * the UI for an old id can never attach to whatever the new worker loads first.
 */
const INSTANCE = Math.random().toString(36).slice(2, 8);

export function registerModel(loaded: LoadedModel, info: Omit<ModelInfo, 'id'>): ModelInfo {
  const id = `m${INSTANCE}-${nextId++}`;
  const full: ModelInfo = { ...info, id };
  models.set(id, { loaded, info: full });
  return full;
}

export function getModel(id: ModelId): { loaded: LoadedModel; info: ModelInfo } {
  const entry = models.get(id);
  if (!entry) {
    throw new BonsaiError('MODEL_NOT_FOUND', `Model ${id} is not loaded in the engine.`, 'Open it again from the Library.');
  }
  return entry;
}

export function disposeModel(id: ModelId): void {
  const entry = models.get(id);
  if (!entry) return;
  disposeLoaded(entry.loaded);
  models.delete(id);
}
