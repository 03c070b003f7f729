/**
 * Deleting a model from the Library, in one transaction with everything that refers to it: its
 * files, record and analyses; the experiments that hold it as a variant (it leaves them); and its
 * children, which move up to its parent (library/reparent.ts). The base of an experiment is
 * refused: an experiment without its base could neither open nor be shared.
 */
import { BonsaiError } from '../engine/errors';
import { parseVariantRecord, type VariantRecord } from '../share/records';
import { guarded, type LibraryEntry } from './db';
import { modelUsage, reparent, withoutVariant } from './reparent';

function inUse(names: string[]): BonsaiError {
  const listed = names.slice(0, 3).map((n) => `“${n}”`).join(', ') + (names.length > 3 ? ` and ${names.length - 3} more` : '');
  return new BonsaiError('MODEL_IN_USE', `Error in deleting a model from the Library: it is the base of the experiment${names.length > 1 ? 's' : ''} ${listed}.`,
    'Delete those experiments first (Experiments panel); the model is kept until none is about it.');
}

function readRecord(raw: unknown): VariantRecord | null {
  try {
    return parseVariantRecord(raw);
  } catch {
    return null; // a damaged record is left as it is
  }
}

/** Returns the experiments the model left and the children that moved up to its parent. */
export function deleteModel(id: string, now = Date.now()): Promise<{ experiments: string[]; reparented: string[] }> {
  return guarded(async (db) => {
    const tx = db.transaction(['models', 'files', 'variants', 'reports', 'experiments'], 'readwrite');
    const experiments = tx.objectStore('experiments');
    const variants = tx.objectStore('variants');
    const models = tx.objectStore('models');
    const allExperiments = await experiments.getAll();
    const usage = modelUsage(id, allExperiments);
    if (usage.baseOf.length) {
      tx.abort();
      await tx.done.catch(() => undefined);
      throw inUse(usage.baseOf.map((e) => e.name));
    }
    const gone = readRecord(await variants.get(id));
    const work: Promise<unknown>[] = [];
    for (const raw of allExperiments) {
      const next = withoutVariant(raw, id, now);
      if (next) work.push(experiments.put(next));
    }
    // Children move up only when the deleted one's record says where to: an imported model has no parent.
    const reparented: string[] = [];
    if (gone) {
      for (const raw of await variants.getAll()) {
        const child = readRecord(raw);
        if (!child || child.parentId !== id || child.id === id) continue;
        const moved = reparent(child, gone);
        reparented.push(child.id);
        work.push(variants.put(moved));
        const entry: LibraryEntry | undefined = await models.get(child.id);
        if (entry?.parent && moved.parentRef) {
          work.push(models.put({ ...entry, parent: { ref: moved.parentRef, name: moved.parentName, step: moved.report?.step ?? entry.parent.step } }));
        }
      }
    }
    const reports = tx.objectStore('reports');
    for (const k of await reports.index('modelId').getAllKeys(id)) work.push(reports.delete(k));
    work.push(models.delete(id), tx.objectStore('files').delete(id), variants.delete(id));
    await Promise.all([...work, tx.done]);
    return { experiments: usage.variantIn.map((e) => e.name), reparented };
  });
}
