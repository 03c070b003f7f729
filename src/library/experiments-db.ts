/**
 * Named experiments in IndexedDB. Every write is one transaction: a rename, a duplicate, a join or
 * a delete (with the weights it frees) happens completely or not at all.
 */
import { BonsaiError } from '../engine/errors';
import { guarded, parseEach } from './db';
import { checkExperimentName, MAX_EXPERIMENT_NAME, parseExperimentRecord, unsharedVariants, type ExperimentRecord } from './experiment-record';

/** What an experiment is about: everything but its name, id, variants and dates. */
export type ExperimentBase = Pick<ExperimentRecord, 'base' | 'baseSha256' | 'baseName' | 'dataset' | 'seed'>;

const newId = (): string => (typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`);

function notFound(id: string, action: string): BonsaiError {
  return new BonsaiError('EXPERIMENT_NOT_FOUND', `Error in ${action}: no experiment with id ${id.slice(0, 40)} is saved in this browser.`,
    'It may have been deleted in another tab. The list has been refreshed.');
}

/** A new record about `base`; anything else `base` carries (an original's id, name…) is overridden or stripped by the schema. */
function make(name: string, base: ExperimentBase, variantIds: string[], now: number): ExperimentRecord {
  return parseExperimentRecord({ ...base, schema: 1, id: newId(), name: checkExperimentName(name), variantIds, createdAt: now, updatedAt: now });
}

/** Every saved experiment, newest first; a damaged one is skipped and reported, not fatal. */
export function listExperiments(): Promise<{ experiments: ExperimentRecord[]; damaged: string[] }> {
  return guarded(async (db) => {
    const { parsed, damaged } = parseEach(await db.getAll('experiments'), parseExperimentRecord);
    return { experiments: parsed.sort((a, b) => b.createdAt - a.createdAt), damaged };
  });
}

export async function createExperiment(name: string, base: ExperimentBase, variantIds: string[] = [], now = Date.now()): Promise<ExperimentRecord> {
  const record = make(name, base, variantIds, now);
  await guarded((db) => db.put('experiments', record));
  return record;
}

export async function renameExperiment(id: string, name: string, now = Date.now()): Promise<ExperimentRecord> {
  const checked = checkExperimentName(name);
  return guarded(async (db) => {
    const tx = db.transaction('experiments', 'readwrite');
    const raw = await tx.store.get(id);
    if (raw === undefined) throw notFound(id, 'renaming an experiment');
    const next = { ...parseExperimentRecord(raw), name: checked, updatedAt: now };
    await Promise.all([tx.store.put(next), tx.done]);
    return next;
  });
}

/**
 * An experiment read from a file: the one already saved about the same base that holds every one
 * of its variants (the same experiment, imported before or exported from here) is returned with
 * `existed`, never duplicated; else a new one. One transaction, so two imports cannot both create.
 */
export function adoptExperiment(name: string, base: ExperimentBase, variantIds: string[], now = Date.now()): Promise<{ record: ExperimentRecord; existed: boolean }> {
  return guarded(async (db) => {
    const tx = db.transaction('experiments', 'readwrite');
    const all = parseEach(await tx.store.getAll(), parseExperimentRecord).parsed.sort((a, b) => a.createdAt - b.createdAt);
    const same = all.find((e) => e.baseSha256 === base.baseSha256 && variantIds.every((v) => e.variantIds.includes(v)));
    if (same) {
      await tx.done;
      return { record: same, existed: true };
    }
    const record = make(name, base, variantIds, now);
    await Promise.all([tx.store.put(record), tx.done]);
    return { record, existed: false };
  });
}

/** A copy that shares the original's variants (and their weights): the two branch from here. */
export function duplicateExperiment(id: string, now = Date.now()): Promise<ExperimentRecord> {
  return guarded(async (db) => {
    const tx = db.transaction('experiments', 'readwrite');
    const raw = await tx.store.get(id);
    if (raw === undefined) throw notFound(id, 'duplicating an experiment');
    const original = parseExperimentRecord(raw);
    const copyName = `${original.name.slice(0, MAX_EXPERIMENT_NAME - ' (copy)'.length)} (copy)`;
    const copy = make(copyName, original, [...original.variantIds], now);
    await Promise.all([tx.store.put(copy), tx.done]);
    return copy;
  });
}

/**
 * Delete an experiment and, in the same transaction, the variants (entry, files, record, analyses)
 * no other experiment uses. The base model is never deleted: it is a sample, or a model the person
 * imported, which outlives its experiments. Returns the ids of the models freed.
 */
export function deleteExperiment(id: string): Promise<{ freed: string[] }> {
  return guarded(async (db) => {
    const tx = db.transaction(['experiments', 'models', 'files', 'variants', 'reports'], 'readwrite');
    const experiments = tx.objectStore('experiments');
    const raw = await experiments.get(id);
    if (raw === undefined) throw notFound(id, 'deleting an experiment');
    const target = parseExperimentRecord(raw);
    // Every stored value has its key at `id` (the store's keyPath), damaged or not.
    const others = (await experiments.getAll()).filter((raw) => (raw as { id: unknown }).id !== id);
    const freed = unsharedVariants(target, others);
    const reports = tx.objectStore('reports');
    const work: Promise<unknown>[] = [experiments.delete(id)];
    for (const v of freed) {
      work.push(tx.objectStore('models').delete(v), tx.objectStore('files').delete(v), tx.objectStore('variants').delete(v));
      for (const k of await reports.index('modelId').getAllKeys(v)) work.push(reports.delete(k));
    }
    await Promise.all([...work, tx.done]);
    return { freed };
  });
}

/**
 * Put a new variant in the experiment its parent belongs to — the preferred (open) one first, else
 * any that holds the parent (as base or variant) — or, when none does, in a new experiment named
 * `newName` about `base`, with `ancestors` (variants between the base and this one, made before
 * experiments existed). One transaction. Returns the experiment that now holds the variant.
 */
export function joinExperiment(variant: { id: string; parentId: string | null }, preferredId: string | undefined, newName: string, base: ExperimentBase, now = Date.now(), ancestors: string[] = []): Promise<ExperimentRecord> {
  return guarded(async (db) => {
    const tx = db.transaction('experiments', 'readwrite');
    // A damaged experiment cannot take new variants; it stays as it is.
    const all = parseEach(await tx.store.getAll(), parseExperimentRecord).parsed;
    const holds = (e: ExperimentRecord) => !!variant.parentId && (e.baseSha256 === variant.parentId || e.variantIds.includes(variant.parentId));
    const preferred = all.find((e) => e.id === preferredId);
    const home = preferred && (holds(preferred) || preferred.variantIds.includes(variant.id)) ? preferred : all.sort((a, b) => b.updatedAt - a.updatedAt).find(holds);
    const next = home
      ? { ...home, variantIds: home.variantIds.includes(variant.id) ? home.variantIds : [...home.variantIds, variant.id], updatedAt: now }
      : make(newName, base, [...ancestors.filter((a) => a !== variant.id), variant.id], now);
    await Promise.all([tx.store.put(next), tx.done]);
    return next;
  });
}
