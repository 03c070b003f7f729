import { describe, expect, it } from 'vitest';
import { BonsaiError } from '../errors';
import { fetchModelFiles } from './fetch-files';
import { denseWeightBytes, sequentialModelJson } from './valid-models.fixtures';
import { prepareModel } from './validate';

type Route = { status?: number; body: Uint8Array | string; headers?: Record<string, string> };

function fakeFetch(routes: Record<string, Route | 'reject'>, seen: string[] = []): typeof fetch {
  return (async (input: RequestInfo | URL) => {
    const url = String(input);
    seen.push(url);
    const r = routes[url];
    if (r === 'reject') throw new TypeError('Failed to fetch');
    if (!r) return new Response('<!DOCTYPE html><title>404</title>', { status: 404, statusText: 'Not Found' });
    return new Response(r.body as BodyInit, { status: r.status ?? 200, headers: r.headers });
  }) as typeof fetch;
}

const BASE = 'https://models.example.com/tiny/';
const modelJson = JSON.stringify(sequentialModelJson());

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (e) {
    expect(e).toBeInstanceOf(BonsaiError);
    expect((e as BonsaiError).hint).toBeTruthy();
    expect((e as BonsaiError).file).toBeTruthy();
    return (e as BonsaiError).code;
  }
}

describe('fetchModelFiles', () => {
  it('fetches model.json, then each manifest path relative to it, and the result prepares', async () => {
    const seen: string[] = [];
    const files = await fetchModelFiles(`${BASE}model.json`, fakeFetch({
      [`${BASE}model.json`]: { body: modelJson },
      [`${BASE}group1-shard1of1.bin`]: { body: denseWeightBytes() },
    }, seen));
    expect(seen).toEqual([`${BASE}model.json`, `${BASE}group1-shard1of1.bin`]);
    expect(files.map((f) => f.path)).toEqual(['model.json', 'group1-shard1of1.bin']);
    expect(prepareModel(files).format).toBe('layers');
  });

  it('refuses a non-http(s) URL', async () => {
    expect(await codeOf(fetchModelFiles('file:///etc/model.json', fakeFetch({})))).toBe('URL_INVALID');
    expect(await codeOf(fetchModelFiles('not a url', fakeFetch({})))).toBe('URL_INVALID');
  });

  it('reports a 404 with its status and the URL', async () => {
    const err = await fetchModelFiles(`${BASE}model.json`, fakeFetch({})).catch((e: BonsaiError) => e);
    expect(err).toBeInstanceOf(BonsaiError);
    expect((err as BonsaiError).code).toBe('URL_HTTP_ERROR');
    expect((err as BonsaiError).message).toContain('404');
    expect((err as BonsaiError).file).toBe(`${BASE}model.json`);
  });

  it('reports a missing shard as a 404 of that shard', async () => {
    const err = await fetchModelFiles(`${BASE}model.json`, fakeFetch({ [`${BASE}model.json`]: { body: modelJson } })).catch((e: BonsaiError) => e);
    expect((err as BonsaiError).code).toBe('URL_HTTP_ERROR');
    expect((err as BonsaiError).file).toBe(`${BASE}group1-shard1of1.bin`);
  });

  it('explains a rejected fetch (network or CORS)', async () => {
    const err = await fetchModelFiles(`${BASE}model.json`, fakeFetch({ [`${BASE}model.json`]: 'reject' })).catch((e: BonsaiError) => e);
    expect((err as BonsaiError).code).toBe('URL_FETCH_FAILED');
    expect((err as BonsaiError).hint).toMatch(/CORS/);
  });

  it('recognises an HTML page served as model.json (200 from a catch-all route)', async () => {
    expect(await codeOf(fetchModelFiles(`${BASE}model.json`, fakeFetch({
      [`${BASE}model.json`]: { body: '<!DOCTYPE html><html><body>app shell</body></html>' },
    })))).toBe('NOT_JSON');
  });

  it('recognises an HTML page served as a .bin', async () => {
    const files = await fetchModelFiles(`${BASE}model.json`, fakeFetch({
      [`${BASE}model.json`]: { body: modelJson },
      [`${BASE}group1-shard1of1.bin`]: { body: '<!doctype html><html><body>Not here</body></html>' },
    }));
    expect(() => prepareModel(files)).toThrow(expect.objectContaining({ code: 'SHARD_IS_HTML' }));
  });

  it('checks Content-Length against the per-file cap before reading', async () => {
    expect(await codeOf(fetchModelFiles(`${BASE}model.json`, fakeFetch({
      [`${BASE}model.json`]: { body: modelJson },
      [`${BASE}group1-shard1of1.bin`]: { body: denseWeightBytes(), headers: { 'content-length': String(10 ** 9) } },
    }), { maxFileBytes: 4096 }))).toBe('FILE_TOO_LARGE');
  });

  it('enforces the total cap while reading when no Content-Length is given', async () => {
    expect(await codeOf(fetchModelFiles(`${BASE}model.json`, fakeFetch({
      [`${BASE}model.json`]: { body: modelJson },
      [`${BASE}group1-shard1of1.bin`]: { body: denseWeightBytes() },
    }), { maxTotalBytes: modelJson.length + 10 }))).toBe('FILE_TOO_LARGE');
  });

  it('passes an abort through untouched', async () => {
    const abortingFetch = (async () => {
      throw Object.assign(new Error('aborted'), { name: 'AbortError' });
    }) as unknown as typeof fetch;
    await expect(fetchModelFiles(`${BASE}model.json`, abortingFetch)).rejects.toMatchObject({ name: 'AbortError' });
  });
});
