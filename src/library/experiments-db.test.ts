import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { RECORD } from '../share/test-utils/record-fixture';
import { closeLibrary, getVariantRecord, listAnalyses, listLibrary, openLibrary, saveAnalysis, saveVariant, type LibraryEntry } from './db';
import { MAX_EXPERIMENT_NAME, unsharedVariants } from './experiment-record';
import { adoptExperiment, createExperiment, deleteExperiment, duplicateExperiment, joinExperiment, listExperiments, renameExperiment, type ExperimentBase } from './experiments-db';

const sha = (c: string) => c.repeat(64);
const BASE_SHA = sha('b');
const BASE: ExperimentBase = { base: { kind: 'sample', sampleId: 'lenet-5' }, baseSha256: BASE_SHA, baseName: 'lenet-5', dataset: 'MNIST digits', seed: 7 };

/** A variant with its files and record in the library, made from `parentId`. */
async function variant(id: string, parentId: string): Promise<void> {
  const entry: LibraryEntry = { id, name: `v-${id.slice(0, 4)}`, format: 'layers', sourceLabel: 's', createdAt: 1, storedBytes: 3, gzipBytes: 3, params: 1 };
  await saveVariant(entry, [{ path: 'model.json', bytes: new Uint8Array([1]) }], { ...RECORD, id, parentId, name: entry.name });
}

afterEach(async () => {
  closeLibrary();
  await new Promise<void>((resolve) => {
    const r = indexedDB.deleteDatabase('bonsai');
    r.onsuccess = r.onerror = r.onblocked = () => resolve();
  });
});

describe('named experiments in IndexedDB', () => {
  it('the first variant of a base creates an experiment named for it; its children join the same one', async () => {
    const a = await joinExperiment({ id: sha('1'), parentId: BASE_SHA }, undefined, 'lenet-5 experiment', BASE, 1);
    expect(a).toMatchObject({ name: 'lenet-5 experiment', baseSha256: BASE_SHA, variantIds: [sha('1')] });
    const b = await joinExperiment({ id: sha('2'), parentId: sha('1') }, undefined, 'ignored', BASE, 2);
    const c = await joinExperiment({ id: sha('3'), parentId: BASE_SHA }, undefined, 'ignored', BASE, 3);
    expect(b.id).toBe(a.id);
    expect(c.variantIds).toEqual([sha('1'), sha('2'), sha('3')]);
    expect((await listExperiments()).experiments).toHaveLength(1);
  });

  it('a variant joins the open (preferred) experiment when it holds the parent, so a duplicate branches off', async () => {
    const a = await joinExperiment({ id: sha('1'), parentId: BASE_SHA }, undefined, 'e', BASE, 1);
    const copy = await duplicateExperiment(a.id, 2);
    expect(copy).toMatchObject({ name: 'e (copy)', variantIds: [sha('1')], baseSha256: BASE_SHA });
    expect(copy.id).not.toBe(a.id);
    expect(copy).toEqual({ ...a, id: copy.id, name: 'e (copy)', createdAt: 2, updatedAt: 2 });
    const long = await duplicateExperiment((await createExperiment('x'.repeat(MAX_EXPERIMENT_NAME), BASE)).id);
    expect(long.name).toBe(`${'x'.repeat(MAX_EXPERIMENT_NAME - 7)} (copy)`);
    await joinExperiment({ id: sha('2'), parentId: sha('1') }, copy.id, 'e', BASE, 3);
    const byId = new Map((await listExperiments()).experiments.map((e) => [e.id, e]));
    expect(byId.get(copy.id)!.variantIds).toEqual([sha('1'), sha('2')]);
    expect(byId.get(a.id)!.variantIds).toEqual([sha('1')]);
  });

  it('rename keeps everything else, refuses an empty or too long name, and says when the experiment is gone', async () => {
    const a = await createExperiment('first', BASE, [], 1);
    const renamed = await renameExperiment(a.id, '  LeNet sweep  ', 5);
    expect(renamed).toEqual({ ...a, name: 'LeNet sweep', updatedAt: 5 });
    await expect(renameExperiment(a.id, '   ')).rejects.toMatchObject({ code: 'EXPERIMENT_NAME_INVALID' });
    await expect(renameExperiment(a.id, 'x'.repeat(201))).rejects.toMatchObject({ code: 'EXPERIMENT_NAME_INVALID', message: /201 characters/ });
    await expect(renameExperiment('nope', 'x')).rejects.toMatchObject({ code: 'EXPERIMENT_NOT_FOUND' });
    expect((await listExperiments()).experiments[0].name).toBe('LeNet sweep');
  });

  it('delete frees only the weights no other experiment uses, never the base', async () => {
    for (const [id, parent] of [[sha('1'), BASE_SHA], [sha('2'), sha('1')], [sha('3'), BASE_SHA]] as const) await variant(id, parent);
    await saveAnalysis({ schema: 1, id: 'a1', modelId: sha('3'), modelName: 'm', technique: 'prune', config: {}, createdAt: 1, device: null, report: { title: 't', step: 's', perLayer: [], notes: [] } });
    const kept = await createExperiment('kept', BASE, [sha('1')], 1);
    const doomed = await createExperiment('doomed', BASE, [sha('1'), sha('2'), sha('3')], 2);
    // What the confirmation counts is what the delete frees.
    expect(unsharedVariants(doomed, [kept]).sort()).toEqual([sha('2'), sha('3')]);
    const { freed } = await deleteExperiment(doomed.id);
    expect(freed.sort()).toEqual([sha('2'), sha('3')]);
    expect((await listLibrary()).map((e) => e.id)).toEqual([sha('1')]);
    expect(await getVariantRecord(sha('2'))).toBeUndefined();
    expect(await listAnalyses(sha('3'))).toEqual([]);
    expect((await listExperiments()).experiments.map((e) => e.id)).toEqual([kept.id]);
    // The last experiment using sha('1') frees it.
    expect((await deleteExperiment(kept.id)).freed).toEqual([sha('1')]);
    expect(await listLibrary()).toEqual([]);
    await expect(deleteExperiment(kept.id)).rejects.toMatchObject({ code: 'EXPERIMENT_NOT_FOUND' });
  });

  it('a library base (an imported file) survives deleting its experiment, and a damaged experiment still protects its weights', async () => {
    await variant(sha('1'), BASE_SHA);
    await variant(sha('4'), BASE_SHA);
    const fileBase: ExperimentBase = { ...BASE, base: { kind: 'library', libraryId: sha('4') }, baseSha256: sha('4') };
    const e = await createExperiment('on a file', fileBase, [sha('1')], 1);
    const db = await openLibrary();
    await db.put('experiments', { id: 'damaged', schema: 99, variantIds: [sha('1')] });
    expect((await deleteExperiment(e.id)).freed).toEqual([]);
    expect((await listLibrary()).map((x) => x.id).sort()).toEqual([sha('1'), sha('4')]);
    const { experiments, damaged } = await listExperiments();
    expect(experiments).toEqual([]);
    expect(damaged[0]).toMatch(/schema version 99/);
  });
});

describe('upgrading a library saved before experiments existed', () => {
  it('version 2 data survives the upgrade to 3, which adds an empty experiments store', async () => {
    await new Promise<void>((resolve, reject) => {
      const r = indexedDB.open('bonsai', 2);
      r.onupgradeneeded = () => {
        const db = r.result;
        db.createObjectStore('models', { keyPath: 'id' }).createIndex('createdAt', 'createdAt');
        db.createObjectStore('files', { keyPath: 'id' });
        db.createObjectStore('variants', { keyPath: 'id' });
        db.createObjectStore('reports', { keyPath: 'id' }).createIndex('modelId', 'modelId');
        r.transaction!.objectStore('models').put({ id: sha('1'), name: 'old', format: 'layers', sourceLabel: 's', createdAt: 1, storedBytes: 3, gzipBytes: 3, params: 1 });
      };
      r.onsuccess = () => {
        r.result.close();
        resolve();
      };
      r.onerror = () => reject(r.error);
    });
    expect((await listLibrary()).map((e) => e.name)).toEqual(['old']);
    expect(await listExperiments()).toEqual({ experiments: [], damaged: [] });
  });
});

describe('variants made before experiments existed', () => {
  it('a new experiment takes in the ancestors between the base and the new variant', async () => {
    const e = await joinExperiment({ id: sha('3'), parentId: sha('2') }, undefined, 'e', BASE, 1, [sha('1'), sha('2')]);
    expect(e.variantIds).toEqual([sha('1'), sha('2'), sha('3')]);
  });
});

describe('an experiment read from a file', () => {
  it('is the saved one about the same base holding all its variants (existed), else a new one; in one transaction', async () => {
    const a = await adoptExperiment('e', BASE, [sha('1'), sha('2')], 1);
    expect(a.existed).toBe(false);
    const again = await adoptExperiment('e', BASE, [sha('2'), sha('1')], 2);
    expect(again).toEqual({ record: a.record, existed: true });
    // Two imports at once still make one.
    const [x, y] = await Promise.all([adoptExperiment('f', BASE, [sha('3')], 3), adoptExperiment('f', BASE, [sha('3')], 3)]);
    expect([x.existed, y.existed].sort()).toEqual([false, true]);
    expect((await adoptExperiment('g', { ...BASE, baseSha256: sha('c') }, [sha('1')], 4)).existed).toBe(false);
    expect((await listExperiments()).experiments).toHaveLength(3);
  });
});
