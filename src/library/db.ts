/**
 * The model library in IndexedDB, shared by the worker (which writes imported models) and the main
 * thread (which lists and deletes). No TF.js here: records are plain data and raw file bytes.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { BonsaiError } from '../engine/errors';
import type { ModelFormat } from '../engine/model/types';

export interface LibraryEntry {
  /** SHA-256 fingerprint of the model files: importing the same model twice keeps one entry. */
  id: string;
  name: string;
  format: ModelFormat;
  sourceLabel: string;
  createdAt: number;
  storedBytes: number;
  gzipBytes: number;
  params: number;
  /** The model this one was made from, and how (training, pruning, …): a tree of variants. */
  parent?: { ref: { kind: 'sample'; sampleId: string } | { kind: 'library'; libraryId: string }; name: string; step: string };
  step?: { technique: string; config: unknown };
}

export interface LibraryFiles {
  id: string;
  files: { path: string; bytes: Uint8Array }[];
}

interface BonsaiDB extends DBSchema {
  models: { key: string; value: LibraryEntry; indexes: { createdAt: number } };
  files: { key: string; value: LibraryFiles };
}

const DB_NAME = 'bonsai';
const DB_VERSION = 1;
let dbPromise: Promise<IDBPDatabase<BonsaiDB>> | null = null;

/** Map IndexedDB's failures to the catalogue: full and denied storage are different user problems. */
export function storageError(e: unknown): BonsaiError {
  const name = typeof e === 'object' && e !== null && 'name' in e ? String((e as { name: unknown }).name) : '';
  const detail = e instanceof Error ? e.message : String(e);
  if (name === 'QuotaExceededError' || /quota/i.test(detail)) {
    return new BonsaiError(
      'STORAGE_FULL',
      `Saving to the model library failed: browser storage is full (${detail}).`,
      'Delete models you no longer need from the Library, or free space in your browser settings. The model stays open in this tab.',
    );
  }
  return new BonsaiError(
    'STORAGE_UNAVAILABLE',
    `The model library cannot use browser storage (${name || 'error'}: ${detail}).`,
    'Storage may be blocked (private window, or site data disabled). Bonsai still works, but models will not survive a reload.',
  );
}

export function openLibrary(): Promise<IDBPDatabase<BonsaiDB>> {
  if (!dbPromise) {
    if (typeof indexedDB === 'undefined') {
      return Promise.reject(storageError(new Error('IndexedDB is not available in this browser context')));
    }
    dbPromise = openDB<BonsaiDB>(DB_NAME, DB_VERSION, {
      upgrade(db) {
        const models = db.createObjectStore('models', { keyPath: 'id' });
        models.createIndex('createdAt', 'createdAt');
        db.createObjectStore('files', { keyPath: 'id' });
      },
    }).catch((e: unknown) => {
      dbPromise = null;
      throw storageError(e);
    });
  }
  return dbPromise;
}

async function guarded<T>(work: (db: IDBPDatabase<BonsaiDB>) => Promise<T>): Promise<T> {
  const db = await openLibrary();
  try {
    return await work(db);
  } catch (e) {
    if (e instanceof BonsaiError) throw e;
    throw storageError(e);
  }
}

export function saveToLibrary(entry: LibraryEntry, files: LibraryFiles['files']): Promise<void> {
  return guarded(async (db) => {
    const tx = db.transaction(['models', 'files'], 'readwrite');
    await Promise.all([tx.objectStore('files').put({ id: entry.id, files }), tx.objectStore('models').put(entry), tx.done]);
  });
}

export function listLibrary(): Promise<LibraryEntry[]> {
  return guarded(async (db) => (await db.getAllFromIndex('models', 'createdAt')).reverse());
}

export function readLibraryFiles(id: string): Promise<LibraryFiles | undefined> {
  return guarded((db) => db.get('files', id));
}

export function getLibraryEntry(id: string): Promise<LibraryEntry | undefined> {
  return guarded((db) => db.get('models', id));
}

export function deleteFromLibrary(id: string): Promise<void> {
  return guarded(async (db) => {
    const tx = db.transaction(['models', 'files'], 'readwrite');
    await Promise.all([tx.objectStore('models').delete(id), tx.objectStore('files').delete(id), tx.done]);
  });
}
