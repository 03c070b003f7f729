/**
 * The model library in IndexedDB, shared by the worker (which writes imported models) and the main
 * thread (which lists and deletes). No TF.js here: records are plain data and raw file bytes.
 */
import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction } from 'idb';
import { BonsaiError } from '../engine/errors';
import type { ModelFormat } from '../engine/model/types';
import { parseAnalysisRecord, parseVariantRecord, type AnalysisRecord, type VariantRecord } from '../share/records';

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
  // The steps and configs that made a variant live in its record (store 'variants', share/records.ts).
}

export interface LibraryFiles {
  id: string;
  files: { path: string; bytes: Uint8Array }[];
}

export interface BonsaiDB extends DBSchema {
  models: { key: string; value: LibraryEntry; indexes: { createdAt: number } };
  files: { key: string; value: LibraryFiles };
  /** What made each variant and how it measured (share/records.ts), keyed by its SHA-256. */
  variants: { key: string; value: unknown };
  /** Analyses of a model (sensitivity, int8 simulation), by record id; indexed by the model's SHA-256. */
  reports: { key: string; value: unknown; indexes: { modelId: string } };
  /** Named experiments (library/experiment-record.ts), by id. */
  experiments: { key: string; value: unknown };
}

const DB_NAME = 'bonsai';
/** 1: models + files. 2: variants + reports (the persisted variant model). 3: experiments. */
const DB_VERSION = 3;
/** Opening takes milliseconds; longer means it waits for another tab (see storageBlockedError). */
const OPEN_WAIT_MS = 3_000;
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

/**
 * Another tab runs an older Bonsai and keeps its library open: the upgrade waits for it. Only the
 * first open hears 'blocked'; others (this tab's worker too) queue silently behind it, so an open
 * that has not finished after OPEN_WAIT_MS is refused the same way.
 */
export function storageBlockedError(timedOut = false): BonsaiError {
  return new BonsaiError(
    'STORAGE_UNAVAILABLE',
    timedOut
      ? `The model library did not open within ${OPEN_WAIT_MS / 1000} s: another Bonsai tab (an older version) is probably holding it.`
      : 'The model library is held open by another Bonsai tab running an older version, so it cannot be upgraded here yet.',
    'Close or reload the other Bonsai tabs. Bonsai still works in this tab, but models are not kept until then.',
  );
}

/**
 * An open the browser holds back until another tab lets go. Later opens would queue behind it (and
 * never hear 'blocked'), so while it waits they are refused at once; once it succeeds it is used.
 */
let heldOpen: Promise<IDBPDatabase<BonsaiDB>> | null = null;

export function openLibrary(): Promise<IDBPDatabase<BonsaiDB>> {
  if (!dbPromise && heldOpen) return Promise.reject(storageBlockedError());
  if (!dbPromise) {
    if (typeof indexedDB === 'undefined') {
      return Promise.reject(storageError(new Error('IndexedDB is not available in this browser context')));
    }
    // A blocked open would wait for the other tab forever: refuse now (the open itself goes on).
    let refuseBlocked: (e: BonsaiError) => void = () => undefined;
    const blocked = new Promise<never>((_, reject) => (refuseBlocked = reject));
    const forget = () => (dbPromise = null);
    const opening = openDB<BonsaiDB>(DB_NAME, DB_VERSION, {
      upgrade(db, oldVersion) {
        if (oldVersion < 1) {
          const models = db.createObjectStore('models', { keyPath: 'id' });
          models.createIndex('createdAt', 'createdAt');
          db.createObjectStore('files', { keyPath: 'id' });
        }
        if (oldVersion < 2) {
          db.createObjectStore('variants', { keyPath: 'id' });
          db.createObjectStore('reports', { keyPath: 'id' }).createIndex('modelId', 'modelId');
        }
        if (oldVersion < 3) db.createObjectStore('experiments', { keyPath: 'id' });
      },
      blocked: () => {
        heldOpen = opening;
        refuseBlocked(storageBlockedError());
      },
      // A newer Bonsai in another tab wants to upgrade: let it (this tab reopens on its next call).
      blocking: () => {
        forget();
        void opening.then((db) => db.close());
      },
      terminated: forget,
    });
    const waited = setTimeout(() => {
      heldOpen = opening;
      refuseBlocked(storageBlockedError(true));
    }, OPEN_WAIT_MS);
    opening.then(
      (db) => {
        clearTimeout(waited);
        if (heldOpen !== opening) return;
        heldOpen = null;
        dbPromise = Promise.resolve(db);
      },
      () => {
        clearTimeout(waited);
        if (heldOpen === opening) heldOpen = null;
      },
    );
    dbPromise = Promise.race([opening, blocked]).catch((e: unknown) => {
      forget();
      throw e instanceof BonsaiError ? e : storageError(e);
    });
  }
  return dbPromise;
}

export async function guarded<T>(work: (db: IDBPDatabase<BonsaiDB>) => Promise<T>): Promise<T> {
  const db = await openLibrary();
  try {
    return await work(db);
  } catch (e) {
    if (e instanceof BonsaiError) throw e;
    throw storageError(e);
  }
}

/** Stored records read back one by one: a damaged one is skipped and its error message kept, not fatal. */
export function parseEach<T>(raws: readonly unknown[], parse: (raw: unknown) => T): { parsed: T[]; damaged: string[] } {
  const parsed: T[] = [];
  const damaged: string[] = [];
  for (const raw of raws) {
    try {
      parsed.push(parse(raw));
    } catch (e) {
      damaged.push(e instanceof Error ? e.message : String(e));
    }
  }
  return { parsed, damaged };
}

type StoreName = 'models' | 'files' | 'variants' | 'reports';

/**
 * Writes in one transaction, all or nothing: when any write fails — even one refused before it is
 * queued (a DataCloneError) — the transaction is aborted, so the writes queued before it are not
 * committed on their own.
 */
async function writeAll(
  db: IDBPDatabase<BonsaiDB>,
  stores: StoreName[],
  write: (tx: IDBPTransaction<BonsaiDB, StoreName[], 'readwrite'>, track: (request: Promise<unknown>) => void) => void,
): Promise<void> {
  const tx = db.transaction(stores, 'readwrite');
  const pending: Promise<unknown>[] = [tx.done];
  try {
    write(tx, (request) => pending.push(request));
    await Promise.all(pending);
  } catch (e) {
    // The other requests now fail with AbortError: that is this error, already reported.
    for (const p of pending) p.catch(() => undefined);
    try {
      tx.abort();
    } catch {
      // already finished (it aborted itself)
    }
    throw e;
  }
}

export interface LibraryItem {
  entry: LibraryEntry;
  files: LibraryFiles['files'];
  /** A variant's record (share/records.ts); absent for an imported model. */
  record?: VariantRecord;
}

function checkItem({ entry, record }: LibraryItem): void {
  if (record && record.id !== entry.id) throw new BonsaiError('INTERNAL', `Error in saveVariant: record ${record.id} does not belong to entry ${entry.id}.`);
}

/** Several models (an experiment file's) in one transaction: all of them are saved, or none. */
export async function saveAll(items: LibraryItem[]): Promise<void> {
  items.forEach(checkItem);
  const stores: StoreName[] = items.some((i) => i.record) ? ['models', 'files', 'variants'] : ['models', 'files'];
  return guarded((db) =>
    writeAll(db, stores, (tx, track) => {
      for (const { entry, files, record } of items) {
        track(tx.objectStore('files').put({ id: entry.id, files }));
        track(tx.objectStore('models').put(entry));
        if (record) track(tx.objectStore('variants').put(record));
      }
    }),
  );
}

export function saveToLibrary(entry: LibraryEntry, files: LibraryFiles['files']): Promise<void> {
  return saveAll([{ entry, files }]);
}

/**
 * A variant in one transaction: its entry, its files and its record are written together or not
 * at all, so a reload never finds a variant without its report (or a report without its files).
 */
export function saveVariant(entry: LibraryEntry, files: LibraryFiles['files'], record: VariantRecord): Promise<void> {
  return saveAll([{ entry, files, record }]);
}

/**
 * A variant's record: the stored one, or — for an entry saved before records existed — one
 * migrated from the entry (share/records.ts, version 0). undefined when the model has neither.
 */
export function getVariantRecord(id: string): Promise<VariantRecord | undefined> {
  return guarded(async (db) => {
    const raw = await db.get('variants', id);
    if (raw !== undefined) return parseVariantRecord(raw);
    const entry = await db.get('models', id);
    return entry?.parent ? parseVariantRecord(entry) : undefined;
  });
}

/** Every variant record (the variant tree); a damaged record is skipped and reported, not fatal. */
export function listVariantRecords(): Promise<{ records: VariantRecord[]; damaged: string[] }> {
  return guarded(async (db) => {
    const records: VariantRecord[] = [];
    const damaged: string[] = [];
    for (const raw of await db.getAll('variants')) {
      try {
        records.push(parseVariantRecord(raw));
      } catch (e) {
        damaged.push(e instanceof Error ? e.message : String(e));
      }
    }
    return { records, damaged };
  });
}

export function saveAnalysis(record: AnalysisRecord): Promise<void> {
  return guarded(async (db) => {
    await db.put('reports', record);
  });
}

/** The analyses of one model (by its SHA-256), newest first. */
export function listAnalyses(modelId: string): Promise<AnalysisRecord[]> {
  return guarded(async (db) => {
    const out: AnalysisRecord[] = [];
    for (const raw of await db.getAllFromIndex('reports', 'modelId', modelId)) {
      try {
        out.push(parseAnalysisRecord(raw));
      } catch {
        // A damaged analysis is dropped from the list; the model and its variant record are intact.
      }
    }
    return out.sort((a, b) => b.createdAt - a.createdAt);
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

/** For tests: forget the open connection (the next call reopens). */
export function closeLibrary(): void {
  void dbPromise?.then((db) => db.close()).catch(() => undefined);
  dbPromise = null;
}
