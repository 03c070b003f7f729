import { describe, expect, it } from 'vitest';
import { openLibrary, storageError } from './db';

describe('library storage errors', () => {
  it('a full disk is STORAGE_FULL with what to do', () => {
    const e = storageError(Object.assign(new Error('The quota has been exceeded.'), { name: 'QuotaExceededError' }));
    expect(e.code).toBe('STORAGE_FULL');
    expect(e.hint).toMatch(/Delete models/);
  });

  it('denied storage is STORAGE_UNAVAILABLE and says the app still works', () => {
    const e = storageError(Object.assign(new Error('The user denied permission.'), { name: 'SecurityError' }));
    expect(e.code).toBe('STORAGE_UNAVAILABLE');
    expect(e.hint).toMatch(/still works/);
  });

  it('no IndexedDB at all (Node here) is refused as STORAGE_UNAVAILABLE, not thrown raw', async () => {
    await expect(openLibrary()).rejects.toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
  });
});
