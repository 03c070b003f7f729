/**
 * Fetch a hosted TF.js model: model.json, then every weight file its manifest names, relative to
 * the model's URL. Sizes are checked against the caps before a body is read when the server says
 * how large it is, and while reading otherwise.
 */
import { BonsaiError, isAbortError } from '../errors';
import { parseModelJson } from './json';
import { formatMB, resolveLimits, type ImportLimits } from './limits';
import { normalizePath } from './paths';
import type { InputFile } from './types';

export async function fetchModelFiles(
  url: string,
  fetchFn: typeof fetch,
  limits?: Partial<ImportLimits>,
  signal?: AbortSignal,
): Promise<InputFile[]> {
  const lim = resolveLimits(limits);
  const modelUrl = parseHttpUrl(url);
  const budget = { left: lim.maxTotalBytes };
  const modelJson = await fetchBytes(modelUrl, fetchFn, lim, budget, signal);
  const json = parseModelJson(modelJson, modelUrl.href, lim.maxJsonDepth);
  const files: InputFile[] = [{ path: 'model.json', bytes: modelJson }];
  const seen = new Set<string>();
  for (const p of manifestPaths(json)) {
    const shardUrl = new URL(p, modelUrl);
    if (seen.has(shardUrl.href)) continue;
    seen.add(shardUrl.href);
    if (shardUrl.protocol !== 'http:' && shardUrl.protocol !== 'https:') {
      throw new BonsaiError('URL_INVALID', `model.json names the weight file "${p}", which is not an http(s) URL.`,
        'The model.json manifest must name weight files by relative path or http(s) URL.', modelUrl.href);
    }
    const bytes = await fetchBytes(shardUrl, fetchFn, lim, budget, signal);
    // The manifest path itself, so prepareModel finds the file where the manifest says it is.
    files.push({ path: isAbsolute(p) ? shardUrl.pathname.split('/').pop() || p : normalizePath(p), bytes });
  }
  return files;
}

function isAbsolute(p: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(p) || p.startsWith('/');
}

function parseHttpUrl(url: string): URL {
  let parsed: URL | null = null;
  try {
    parsed = new URL(url.trim());
  } catch {
    parsed = null;
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new BonsaiError('URL_INVALID', `"${url}" is not an http(s) URL.`,
      'Enter the full address of a model.json, e.g. https://example.com/model/model.json.', url);
  }
  return parsed;
}

/** Manifest paths in order; structure errors are left to prepareModel's full check. */
function manifestPaths(json: Record<string, unknown>): string[] {
  const m = json.weightsManifest;
  if (!Array.isArray(m)) return [];
  return m.flatMap((g) => {
    const paths = typeof g === 'object' && g !== null ? (g as { paths?: unknown }).paths : undefined;
    return Array.isArray(paths) ? paths.filter((p): p is string => typeof p === 'string' && p !== '') : [];
  });
}

async function fetchBytes(
  url: URL,
  fetchFn: typeof fetch,
  lim: ImportLimits,
  budget: { left: number },
  signal?: AbortSignal,
): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await fetchFn(url.href, { signal, credentials: 'omit' });
  } catch (e) {
    if (isAbortError(e)) throw e;
    throw new BonsaiError('URL_FETCH_FAILED', `Fetching ${url.href} failed: ${e instanceof Error ? e.message : String(e)}.`,
      'Check the address and your connection. The server must also allow cross-origin requests (CORS: Access-Control-Allow-Origin); if it does not, download the files and drop them here instead.',
      url.href);
  }
  if (!res.ok) {
    throw new BonsaiError('URL_HTTP_ERROR', `${url.href} answered HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}.`,
      res.status === 404 ? 'The file does not exist at that address: check the URL (and that every .bin file was uploaded next to model.json).'
        : 'The server refused or failed the request. Check the URL, or download the files and drop them here.',
      url.href);
  }
  const cap = Math.min(lim.maxFileBytes, budget.left);
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > cap) throw tooLarge(url, declared, lim, declared > lim.maxFileBytes);
  const bytes = await readCapped(res, cap, url, lim);
  budget.left -= bytes.byteLength;
  return bytes;
}

async function readCapped(res: Response, cap: number, url: URL, lim: ImportLimits): Promise<Uint8Array> {
  if (!res.body) {
    const buf = new Uint8Array(await res.arrayBuffer());
    if (buf.byteLength > cap) throw tooLarge(url, buf.byteLength, lim, buf.byteLength > lim.maxFileBytes);
    return buf;
  }
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > cap) {
      await reader.cancel();
      throw tooLarge(url, size, lim, size > lim.maxFileBytes);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

function tooLarge(url: URL, bytes: number, lim: ImportLimits, perFile: boolean): BonsaiError {
  return new BonsaiError('FILE_TOO_LARGE',
    perFile
      ? `${url.href} is ${formatMB(bytes)} or more, above the ${formatMB(lim.maxFileBytes)} Bonsai accepts per file.`
      : `The model's files add up to more than the ${formatMB(lim.maxTotalBytes)} Bonsai accepts in total (at ${url.href}).`,
    'Use a smaller model, or one whose weights are split into smaller shards.', url.href);
}
