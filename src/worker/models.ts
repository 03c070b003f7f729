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

/** How many running jobs use each model; a model in use is disposed when its last job ends. */
const leases = new Map<ModelId, number>();
const disposeWhenFree = new Set<ModelId>();

/**
 * Every model id a job spec names (any `modelId` field, at any depth): the models the job will
 * read, so disposing one of them (the UI opening another model) must wait until the job ends.
 */
export function modelIdsIn(spec: unknown): ModelId[] {
  const ids = new Set<ModelId>();
  const walk = (value: unknown, depth: number): void => {
    if (depth > 6 || value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      // Files and tensors-as-arrays are long; ids never sit in them.
      if (value.length <= 64) value.forEach((v) => walk(v, depth + 1));
      return;
    }
    for (const [key, v] of Object.entries(value)) {
      if (key === 'modelId' && typeof v === 'string') ids.add(v);
      else walk(v, depth + 1);
    }
  };
  walk(spec, 0);
  return [...ids];
}

/** Hold `ids` for the length of a job; the returned function lets them go (and disposes any the UI dropped meanwhile). */
export function leaseModels(ids: ModelId[]): () => void {
  for (const id of ids) leases.set(id, (leases.get(id) ?? 0) + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    for (const id of ids) {
      const left = (leases.get(id) ?? 1) - 1;
      if (left > 0) {
        leases.set(id, left);
        continue;
      }
      leases.delete(id);
      if (disposeWhenFree.delete(id)) disposeModel(id);
    }
  };
}

export function disposeModel(id: ModelId): void {
  const entry = models.get(id);
  if (!entry) return;
  if (leases.has(id)) {
    disposeWhenFree.add(id);
    return;
  }
  disposeLoaded(entry.loaded);
  models.delete(id);
}

/** For tests: how many models the engine holds. */
export function loadedModelCount(): number {
  return models.size;
}
