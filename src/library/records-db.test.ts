import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { RECORD } from '../share/test-utils/record-fixture';
import { closeLibrary, getVariantRecord, listAnalyses, listLibrary, listVariantRecords, saveAnalysis, saveToLibrary, saveVariant, type LibraryEntry } from './db';
import { deleteModel } from './delete-model';

const ENTRY: LibraryEntry = { id: RECORD.id, name: RECORD.name, format: 'layers', sourceLabel: 's', createdAt: 1, storedBytes: 3, gzipBytes: 3, params: 1 };
const FILES = [{ path: 'model.json', bytes: new Uint8Array([1, 2, 3]) }];

afterEach(async () => {
  closeLibrary();
  await new Promise<void>((resolve) => {
    const r = indexedDB.deleteDatabase('bonsai');
    r.onsuccess = r.onerror = r.onblocked = () => resolve();
  });
});

describe('the persisted variant model in IndexedDB', () => {
  it('a variant is saved with its record in one transaction and reads back validated', async () => {
    await saveVariant(ENTRY, FILES, RECORD);
    expect(await getVariantRecord(RECORD.id)).toEqual(RECORD);
    expect((await listVariantRecords()).records).toEqual([RECORD]);
    expect((await listLibrary()).map((e) => e.id)).toEqual([RECORD.id]);
  });

  it('a record that does not belong to its entry is refused before anything is written', async () => {
    await expect(saveVariant({ ...ENTRY, id: 'c'.repeat(64) }, FILES, RECORD)).rejects.toMatchObject({ code: 'INTERNAL' });
    expect(await listLibrary()).toEqual([]);
  });

  it('an entry saved before records existed gets a migrated record from its parent link', async () => {
    await saveToLibrary({ ...ENTRY, parent: { ref: { kind: 'sample', sampleId: 'lenet-5' }, name: 'lenet-5', step: 'trained 3 epochs' } }, FILES);
    const r = await getVariantRecord(RECORD.id);
    expect(r).toMatchObject({ schema: 1, parentRef: { kind: 'sample', sampleId: 'lenet-5' }, parentName: 'lenet-5', report: null });
    await saveToLibrary({ ...ENTRY, id: 'd'.repeat(64) }, FILES);
    expect(await getVariantRecord('d'.repeat(64))).toBeUndefined(); // no parent: not a variant
  });

  it('a damaged record is skipped in the tree and reported, not fatal', async () => {
    await saveVariant(ENTRY, FILES, RECORD);
    const { openLibrary } = await import('./db');
    const db = await openLibrary();
    await db.put('variants', { ...RECORD, id: 'e'.repeat(64), schema: 99 });
    const { records, damaged } = await listVariantRecords();
    expect(records).toHaveLength(1);
    expect(damaged[0]).toMatch(/schema version 99/);
  });

  it('analyses are listed per model, newest first, and deleted with the model', async () => {
    await saveVariant(ENTRY, FILES, RECORD);
    const analysis = (id: string, createdAt: number) => ({
      schema: 1 as const, id, modelId: RECORD.id, modelName: 'm', technique: 'prune', config: {}, createdAt, device: null,
      report: { title: 't', step: 's', perLayer: [], notes: [] },
    });
    await saveAnalysis(analysis('a1', 1));
    await saveAnalysis(analysis('a2', 2));
    expect((await listAnalyses(RECORD.id)).map((a) => a.id)).toEqual(['a2', 'a1']);
    await deleteModel(RECORD.id);
    expect(await listAnalyses(RECORD.id)).toEqual([]);
    expect(await getVariantRecord(RECORD.id)).toBeUndefined();
    expect(await listLibrary()).toEqual([]);
  });
});
