/**
 * The worker's persistent key-value cache (RunContext.cache): NAS's per-device latency table lives
 * here, in its own IndexedDB database so it never touches the library's schema. When IndexedDB is
 * unavailable (private mode, a test host) the cache lives in memory for the worker's lifetime.
 */
import { openDB, type IDBPDatabase } from 'idb';
import type { KeyValueCache } from '../engine/techniques/types';

const DB_NAME = 'bonsai-cache';
const STORE = 'kv';
let db: Promise<IDBPDatabase> | null = null;
const memory = new Map<string, unknown>();

function open(): Promise<IDBPDatabase> | null {
  if (typeof indexedDB === 'undefined') return null;
  db ??= openDB(DB_NAME, 1, { upgrade: (d) => void d.createObjectStore(STORE) });
  return db;
}

export const workerCache: KeyValueCache = {
  async get(key) {
    if (memory.has(key)) return memory.get(key);
    try {
      const d = await open();
      const v = d ? await d.get(STORE, key) : undefined;
      if (v !== undefined) memory.set(key, v);
      return v;
    } catch {
      return undefined;
    }
  },
  async set(key, value) {
    memory.set(key, value);
    try {
      const d = await open();
      if (d) await d.put(STORE, value, key);
    } catch {
      // Speed, not correctness: the value stays in memory.
    }
  },
};
