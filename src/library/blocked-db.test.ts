import 'fake-indexeddb/auto';
import { expect, it } from 'vitest';
import { closeLibrary, listLibrary, saveToLibrary, type LibraryEntry } from './db';

const ENTRY: LibraryEntry = { id: 'a', name: 'a', format: 'layers', sourceLabel: 's', createdAt: 1, storedBytes: 3, gzipBytes: 3, params: 1 };

/** Another tab's connection to the library at version 1, deaf to version changes. */
function holdOldVersion(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open('bonsai', 1);
    open.onupgradeneeded = () => {
      open.result.createObjectStore('models', { keyPath: 'id' }).createIndex('createdAt', 'createdAt');
      open.result.createObjectStore('files', { keyPath: 'id' });
    };
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
}

it('a library blocked by an older tab is refused at once, every later call too, and used once the tab goes', async () => {
  const old = await holdOldVersion();
  await expect(listLibrary()).rejects.toMatchObject({ code: 'STORAGE_UNAVAILABLE', message: expect.stringMatching(/another Bonsai tab/) });
  // A second open would queue behind the held one and never hear 'blocked': it is refused too.
  await expect(saveToLibrary(ENTRY, [])).rejects.toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
  old.close();
  await expect.poll(() => listLibrary().then(() => 'open', () => 'refused')).toBe('open');
  await saveToLibrary(ENTRY, []);
  expect((await listLibrary()).map((e) => e.id)).toEqual(['a']);
  closeLibrary();
});
