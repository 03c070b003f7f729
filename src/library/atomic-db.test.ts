import 'fake-indexeddb/auto';
import { afterEach, expect, it } from 'vitest';
import { RECORD } from '../share/test-utils/record-fixture';
import { closeLibrary, listLibrary, listVariantRecords, saveAll, saveVariant, type LibraryEntry } from './db';

const ENTRY: LibraryEntry = { id: RECORD.id, name: RECORD.name, format: 'layers', sourceLabel: 's', createdAt: 1, storedBytes: 3, gzipBytes: 3, params: 1 };
const OTHER: LibraryEntry = { ...ENTRY, id: 'other', name: 'other' };
const FILES = [{ path: 'model.json', bytes: new Uint8Array([1, 2, 3]) }];
/** A value IndexedDB cannot store: its put is refused with DataCloneError before it is queued. */
const UNCLONEABLE = [{ path: 'model.json', bytes: (() => 0) as unknown as Uint8Array }];

afterEach(async () => {
  closeLibrary();
  await new Promise<void>((resolve) => {
    const r = indexedDB.deleteDatabase('bonsai');
    r.onsuccess = r.onerror = r.onblocked = () => resolve();
  });
});

it('a variant whose last write is refused leaves nothing: the writes before it are not committed', async () => {
  await expect(saveVariant(ENTRY, FILES, { ...RECORD, steps: [() => 0] } as never)).rejects.toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
  expect(await listLibrary()).toEqual([]);
  expect((await listVariantRecords()).records).toEqual([]);
});

it("an experiment's models are saved together: one refused model saves none of them", async () => {
  await expect(saveAll([{ entry: OTHER, files: FILES }, { entry: ENTRY, files: UNCLONEABLE, record: RECORD }])).rejects.toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
  expect(await listLibrary()).toEqual([]);
  await saveAll([{ entry: OTHER, files: FILES }, { entry: ENTRY, files: FILES, record: RECORD }]);
  expect((await listLibrary()).map((e) => e.id).sort()).toEqual([ENTRY.id, 'other'].sort());
  expect((await listVariantRecords()).records).toEqual([RECORD]);
});
