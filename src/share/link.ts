/**
 * Share links: an experiment — its base model reference, dataset, seed, the author's device, and
 * every variant's steps, configs and metrics (no weights) — carried in the URL fragment, which
 * browsers never send to a server. JSON → deflate → base64url, behind a versioned zod schema.
 *
 * Reading a link from a stranger is defensive: the fragment is size-capped before anything is
 * decoded, the inflated size is capped while inflating (a deflate bomb stops at the cap), JSON is
 * parsed into null-prototype objects and refuses `__proto__` / `constructor` / `prototype` keys,
 * the schema validates every field (URLs http(s) only), and unknown versions are refused with a
 * message. Nothing here fetches anything or touches saved state.
 */
import { deflateSync, Inflate } from 'fflate';
import * as z from 'zod/mini';
import { BonsaiError } from '../engine/errors';

z.config({ jitless: true });

export const LINK_VERSION = 1;
export const LINK_PREFIX = '#x=';
/** Links longer than this are refused when made and when opened (chat apps and URL bars). */
export const MAX_LINK_CHARS = 8000;
/** What "fits chat apps" means in the UI. */
export const CHAT_SAFE_CHARS = 2000;
/** A fragment never inflates to more than this. */
export const MAX_INFLATED_BYTES = 64 * 1024;

const text = (max: number) => z.string().check(z.maxLength(max));
const count = z.number().check(z.int(), z.gte(0));
const num = z.number().check(z.refine(Number.isFinite, 'a finite number'));
/** An http(s) URL the browser can parse (the view shows its host before anything loads). */
const httpUrl = text(2000).check(z.refine((u) => {
  try {
    return /^https?:$/.test(new URL(u).protocol);
  } catch {
    return false;
  }
}, 'an http(s) URL'));

const latency = z.object({ backend: text(20), batch: count, ms: num });
const metrics = z.object({
  params: count,
  nonZero: z.nullable(count),
  stored: z.nullable(count),
  gzip: z.nullable(count),
  flops: z.nullable(num),
  accuracy: z.nullable(num),
  latency: z.array(latency).check(z.maxLength(16)),
});

export const shareLinkSchema = z.object({
  v: z.literal(LINK_VERSION),
  base: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('sample'), id: text(100).check(z.regex(/^[a-z0-9-]+$/, 'a sample id')) }),
    z.object({ kind: z.literal('url'), url: httpUrl }),
    // `name` (the dropped model's name) came after version 1's first links: optional, so those still open.
    z.object({ kind: z.literal('file'), sha256: text(64).check(z.regex(/^[0-9a-f]{64}$/, 'a hex SHA-256')), bytes: count, name: z.optional(text(200)) }),
  ]),
  name: text(200),
  dataset: z.nullable(text(200)),
  seed: z.nullable(num),
  device: z.nullable(z.object({ backend: text(20), simd: z.optional(z.boolean()), threads: z.optional(count), agent: text(300) })),
  metrics,
  variants: z
    .array(
      z.object({
        name: text(200),
        /** Index of the parent in `variants`; -1 is the base. */
        parent: z.number().check(z.int(), z.gte(-1)),
        step: text(500),
        steps: z.array(z.object({ technique: text(40), config: z.unknown() })).check(z.maxLength(10)),
        /** The first 16 hex digits of the variant's SHA-256: enough to tell whether a reproduction is byte-identical. */
        sha: text(16).check(z.regex(/^[0-9a-f]{16}$/, 'a short hex SHA-256')),
        metrics,
      }),
    )
    .check(z.maxLength(64)),
});

export type ShareLink = z.infer<typeof shareLinkSchema>;

const b64url = {
  encode(bytes: Uint8Array): string {
    let s = '';
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  },
  decode(s: string): Uint8Array {
    const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4));
    return Uint8Array.from(bin, (c) => c.charCodeAt(0));
  },
};

const invalid = (why: string) => new BonsaiError('LINK_INVALID', `This shared link cannot be read: ${why}.`, 'Ask the sender for the link again (chat apps sometimes cut long links). Your saved work is unchanged.');

/** The fragment (with its "#x=" prefix) for an experiment. Throws LINK_TOO_LONG past MAX_LINK_CHARS. */
export function encodeLink(link: ShareLink): string {
  const parsed = shareLinkSchema.parse(link);
  const fragment = LINK_PREFIX + b64url.encode(deflateSync(new TextEncoder().encode(JSON.stringify(parsed)), { level: 9 }));
  if (fragment.length > MAX_LINK_CHARS) {
    throw new BonsaiError('LINK_TOO_LONG', `This experiment needs a ${fragment.length.toLocaleString('en-US')}-character link; links stop at ${MAX_LINK_CHARS.toLocaleString('en-US')}.`,
      'Share fewer variants (open a smaller part of the tree), or export the models as .zip files and send those.');
  }
  return fragment;
}

function inflateCapped(bytes: Uint8Array): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const inflater = new Inflate((chunk) => {
    total += chunk.length;
    if (total > MAX_INFLATED_BYTES) throw new BonsaiError('LINK_TOO_LONG', `This shared link unpacks to more than ${MAX_INFLATED_BYTES / 1024} KB, which no Bonsai experiment needs.`, 'It may be damaged or hostile; ask the sender for the experiment file instead. Your saved work is unchanged.');
    chunks.push(chunk);
  });
  try {
    inflater.push(bytes, true);
  } catch (e) {
    if (e instanceof BonsaiError) throw e;
    throw invalid('its data is not compressed the way Bonsai writes it');
  }
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** JSON.parse into null-prototype objects, refusing keys that could reach a prototype. */
export function parseJsonSafely(json: string): unknown {
  const copy = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(copy);
    if (v && typeof v === 'object') {
      const o = Object.create(null) as Record<string, unknown>;
      for (const [k, x] of Object.entries(v)) {
        if (FORBIDDEN_KEYS.has(k)) throw invalid(`it contains the key "${k}"`);
        o[k] = copy(x);
      }
      return o;
    }
    return v;
  };
  // JSON.parse itself turns "__proto__" into an own property (no prototype change); copy() then refuses it.
  return copy(JSON.parse(json));
}

/** Read a fragment ("#x=…" or the part after "#x="). Throws a BonsaiError with a readable message. */
export function decodeLink(fragment: string): ShareLink {
  const body = fragment.startsWith(LINK_PREFIX) ? fragment.slice(LINK_PREFIX.length) : fragment;
  if (body.length + LINK_PREFIX.length > MAX_LINK_CHARS) {
    throw new BonsaiError('LINK_TOO_LONG', `This shared link has ${(body.length + LINK_PREFIX.length).toLocaleString('en-US')} characters; Bonsai reads at most ${MAX_LINK_CHARS.toLocaleString('en-US')}.`, 'Ask the sender for the experiment file instead. Your saved work is unchanged.');
  }
  if (!body.length) throw invalid('it is empty');
  if (!/^[A-Za-z0-9_-]+$/.test(body)) throw invalid('it contains characters a Bonsai link never has');
  let bytes: Uint8Array;
  try {
    bytes = b64url.decode(body);
  } catch {
    throw invalid('it is not base64url');
  }
  let json: string;
  try {
    json = new TextDecoder('utf-8', { fatal: true }).decode(inflateCapped(bytes));
  } catch (e) {
    if (e instanceof BonsaiError) throw e;
    throw invalid('it is not UTF-8 text');
  }
  let raw: unknown;
  try {
    raw = parseJsonSafely(json);
  } catch (e) {
    if (e instanceof BonsaiError) throw e;
    throw invalid('it is not JSON');
  }
  const v = raw && typeof raw === 'object' ? (raw as { v?: unknown }).v : undefined;
  if (typeof v === 'number' && v > LINK_VERSION) {
    throw new BonsaiError('LINK_VERSION', `This link was made by a newer Bonsai (link version ${v}; this one reads version ${LINK_VERSION}).`, 'Reload the page to get the latest Bonsai, then open the link again.');
  }
  const parsed = shareLinkSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(`${issue.path.join('.') || 'the experiment'}: ${issue.message}`);
  }
  return parsed.data;
}
