import type { Page } from '@playwright/test';

export interface LibraryState {
  models: string[];
  files: string[];
  variants: string[];
  /** Keys present in one store but not in the stores written with it (a partial write). */
  orphans: string[];
}

/** Read the library's object stores straight from IndexedDB (not through the app). */
export function readLibraryState(page: Page): Promise<LibraryState> {
  return page.evaluate(
    () =>
      new Promise<LibraryState>((resolve, reject) => {
        const open = indexedDB.open('bonsai');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const names = ['models', 'files', 'variants'].filter((n) => db.objectStoreNames.contains(n));
          if (!names.length) {
            db.close();
            resolve({ models: [], files: [], variants: [], orphans: [] });
            return;
          }
          const tx = db.transaction(names, 'readonly');
          const keys: Record<string, string[]> = {};
          for (const n of names) {
            const r = tx.objectStore(n).getAllKeys();
            r.onsuccess = () => (keys[n] = r.result.map(String));
          }
          tx.oncomplete = () => {
            db.close();
            const models = keys.models ?? [];
            const files = keys.files ?? [];
            const variants = keys.variants ?? [];
            const orphans = [
              ...models.filter((k) => !files.includes(k)).map((k) => `model without files: ${k}`),
              ...files.filter((k) => !models.includes(k)).map((k) => `files without model: ${k}`),
              ...variants.filter((k) => !models.includes(k)).map((k) => `record without model: ${k}`),
            ];
            resolve({ models, files, variants, orphans });
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
  );
}
