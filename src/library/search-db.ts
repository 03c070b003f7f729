/**
 * Search checkpoints in IndexedDB (their own database, apart from the library): the session — its
 * config, reference model, every finished candidate's record — and each candidate's trained files,
 * stored apart so a checkpoint write stays small. A reload reads the last session back and resumes
 * it; "Save to library" reads a candidate's files from here.
 */
import { openDB, type IDBPDatabase } from 'idb';
import { toErrorInfo } from '../engine/errors';
import type { InputFile } from '../engine/model/types';
import type { CandidateRecord, SearchConfig, SearchLive } from '../engine/techniques/search/meta';
import type { ModelRef } from '../worker/protocol';

export interface SearchSession {
  id: string;
  /** 'running' read back after a reload means the page closed mid-search: it resumes from here. */
  status: 'running' | 'stopped' | 'done';
  startedAt: number;
  updatedAt: number;
  config: SearchConfig;
  model: { name: string; sha256: string; ref?: ModelRef };
  datasetName: string | null;
  start: Extract<SearchLive, { kind: 'search-start' }> | null;
  candidates: CandidateRecord[];
  end: Extract<SearchLive, { kind: 'search-end' }> | null;
  elapsedMs: number;
  /** Candidate key → the library id it was saved as. */
  saved: Record<string, string>;
}

const DB_NAME = 'bonsai-search';
let db: Promise<IDBPDatabase> | null = null;

function open(): Promise<IDBPDatabase> {
  if (typeof indexedDB === 'undefined') return Promise.reject(new Error('IndexedDB is not available in this browser.'));
  db ??= openDB(DB_NAME, 1, {
    upgrade(d) {
      d.createObjectStore('sessions', { keyPath: 'id' });
      d.createObjectStore('files');
    },
  });
  return db;
}

const fail = (e: unknown) => {
  throw toErrorInfo(e, 'STORAGE_UNAVAILABLE');
};

export async function saveSession(session: SearchSession): Promise<void> {
  await (await open()).put('sessions', session).catch(fail);
}

/** The most recent session, or null. */
export async function lastSession(): Promise<SearchSession | null> {
  const all = (await (await open()).getAll('sessions').catch(fail)) as SearchSession[];
  return all.sort((a, b) => b.updatedAt - a.updatedAt)[0] ?? null;
}

export async function saveCandidateFiles(sessionId: string, key: string, files: InputFile[]): Promise<void> {
  await (await open()).put('files', files, `${sessionId}|${key}`).catch(fail);
}

export async function readCandidateFiles(sessionId: string, key: string): Promise<InputFile[] | null> {
  return ((await (await open()).get('files', `${sessionId}|${key}`).catch(fail)) as InputFile[] | undefined) ?? null;
}

/** Delete every session but `keep` and their files: one search is kept at a time. */
export async function pruneSessions(keep: string): Promise<void> {
  const d = await open();
  const tx = d.transaction(['sessions', 'files'], 'readwrite');
  for (const id of (await tx.objectStore('sessions').getAllKeys()) as string[]) if (id !== keep) await tx.objectStore('sessions').delete(id);
  for (const k of (await tx.objectStore('files').getAllKeys()) as string[]) if (!k.startsWith(`${keep}|`)) await tx.objectStore('files').delete(k);
  await tx.done;
}
