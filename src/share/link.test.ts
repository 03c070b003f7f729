import fc from 'fast-check';
import { deflateSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { BonsaiError } from '../engine/errors';
import type { ModelInfo } from '../worker/protocol';
import { experimentLink } from './experiment';
import { CHAT_SAFE_CHARS, decodeLink, encodeLink, LINK_PREFIX, MAX_LINK_CHARS, parseJsonSafely, type ShareLink } from './link';
import type { VariantRecord } from './records';
import { RECORD } from './test-utils/record-fixture';

const m = { params: 61706, nonZero: 61706, stored: 250429, gzip: 231000, flops: 846000, accuracy: 0.9835, latency: [{ backend: 'wasm', batch: 1, ms: 0.173 }] };
const LINK: ShareLink = {
  v: 1,
  base: { kind: 'sample', id: 'lenet-5' },
  name: 'lenet-5',
  dataset: 'MNIST digits',
  seed: 1,
  device: { backend: 'wasm', simd: true, threads: 1, agent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/131' },
  metrics: m,
  variants: Array.from({ length: 5 }, (_, i) => ({
    name: `lenet-5 · step ${i}`,
    parent: i - 1,
    step: `gradual magnitude pruning to ${50 + 10 * i}% (global), 2 epochs fine-tune`,
    steps: [{ technique: 'prune', config: { method: 'magnitude', sparsity: 0.5 + 0.1 * i, schedule: 'gradual', scope: 'global', fineTune: { epochs: 2, batchSize: 64, learningRate: 0.0005, optimizer: 'adam', seed: 1 } } }],
    sha: `${i}`.repeat(16),
    metrics: { ...m, nonZero: Math.round(61706 * (0.5 - 0.1 * i)), gzip: 100000 - 10000 * i, accuracy: 0.98 - 0.001 * i },
  })),
};

const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e instanceof BonsaiError ? e.code : `not a BonsaiError: ${String(e)}`;
  }
  return 'no error';
};

const fragmentOf = (json: string) => LINK_PREFIX + Buffer.from(deflateSync(new TextEncoder().encode(json))).toString('base64url');

describe('share links', () => {
  it('round-trips a typical experiment (base + 5 variants) within the chat-safe length', () => {
    const f = encodeLink(LINK);
    expect(f.startsWith('#x=')).toBe(true);
    expect(f.length).toBeLessThanOrEqual(CHAT_SAFE_CHARS);
    expect(decodeLink(f)).toEqual(LINK);
  });
  it('a dropped-file base carries its SHA-256, size and name; a link from before names existed still opens', () => {
    const sha256 = 'a'.repeat(64);
    const named: ShareLink = { ...LINK, base: { kind: 'file', sha256, bytes: 1234, name: 'my-model' } };
    expect(decodeLink(encodeLink(named))).toEqual(named);
    const unnamed: ShareLink = { ...LINK, base: { kind: 'file', sha256, bytes: 1234 } };
    expect(decodeLink(encodeLink(unnamed)).base).toEqual({ kind: 'file', sha256, bytes: 1234 });
  });

  it('refuses to make, and to open, a link past the length cap', () => {
    const big = { ...LINK, variants: Array.from({ length: 64 }, (_, i) => ({ ...LINK.variants[0], name: `v${i} ${'x'.repeat(150)}${Math.random()}`, step: Array.from({ length: 400 }, () => Math.floor(Math.random() * 16).toString(16)).join('') })) };
    expect(code(() => encodeLink(big))).toBe('LINK_TOO_LONG');
    expect(code(() => decodeLink('#x=' + 'A'.repeat(MAX_LINK_CHARS)))).toBe('LINK_TOO_LONG');
  });
  it('stops a deflate bomb at the inflated-size cap', () => {
    const bomb = LINK_PREFIX + Buffer.from(deflateSync(new Uint8Array(2_000_000), { level: 9 })).toString('base64url');
    expect(bomb.length).toBeLessThan(MAX_LINK_CHARS);
    expect(code(() => decodeLink(bomb))).toBe('LINK_TOO_LONG');
  });
  it('refuses unknown versions with a message, and malformed parts naming the field', () => {
    expect(code(() => decodeLink(fragmentOf(JSON.stringify({ ...LINK, v: 2 }))))).toBe('LINK_VERSION');
    expect(() => decodeLink(fragmentOf(JSON.stringify({ ...LINK, variants: [{ ...LINK.variants[0], parent: 'x' }] })))).toThrow(/variants\.0\.parent/);
    expect(() => decodeLink(fragmentOf(JSON.stringify({ ...LINK, base: { kind: 'url', url: 'javascript:alert(1)' } })))).toThrow(/an http\(s\) URL/);
    expect(code(() => decodeLink('#x=not base64!'))).toBe('LINK_INVALID');
    expect(code(() => decodeLink('#x=AAAA'))).toBe('LINK_INVALID');
    expect(code(() => decodeLink(fragmentOf('{"v":1,')))).toBe('LINK_INVALID');
  });
  it('refuses prototype keys without changing any prototype', () => {
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      const json = JSON.stringify(LINK).replace('"name":"lenet-5"', `"name":"lenet-5","${key}":{"polluted":true}`);
      expect(code(() => decodeLink(fragmentOf(json)))).toBe('LINK_INVALID');
    }
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(parseJsonSafely('{"a":{"b":1}}') as object)).toBeNull();
  });
  it('a sweep of hostile fragments: every one is a typed refusal or a valid link, no prototype changes (property)', () => {
    const valid = encodeLink(LINK);
    const mutate = fc.oneof(
      fc.string({ maxLength: 300 }).map((s) => LINK_PREFIX + s),
      fc.tuple(fc.nat(valid.length), fc.nat(valid.length)).map(([a, b]) => valid.slice(0, Math.min(a, b)) + valid.slice(Math.max(a, b))),
      fc.tuple(fc.nat(valid.length - 1), fc.constantFrom(...'Aa0_-Zz9+/=%<'.split(''))).map(([i, c]) => valid.slice(0, i) + c + valid.slice(i + 1)),
      fc.jsonValue({ maxDepth: 4 }).map((j) => fragmentOf(JSON.stringify(j))),
      fc.record({ v: fc.constantFrom(1, 2, 99, '1', null), name: fc.string(), __proto__: fc.object() }, { requiredKeys: [] }).map((o) => fragmentOf(JSON.stringify(o))),
    );
    fc.assert(
      fc.property(mutate, (fragment) => {
        const c = code(() => decodeLink(fragment));
        expect(['no error', 'LINK_INVALID', 'LINK_TOO_LONG', 'LINK_VERSION']).toContain(c);
        expect(Object.keys(Object.prototype)).toEqual([]);
      }),
      { numRuns: 3000, seed: 7 },
    );
  });
});

describe('experimentLink', () => {
  const model = { id: 'm1', name: 'lenet-5 · 90% sparse', format: 'layers', source: { kind: 'library', label: 'x' }, summary: { sha256: RECORD.id }, warnings: [] } as unknown as ModelInfo;
  it('walks the open model up to its base and carries every variant of that base', () => {
    const child: VariantRecord = { ...RECORD, id: 'c'.repeat(64), parentId: RECORD.id, name: 'lenet-5 · 90% sparse · uint8', createdAt: 2 };
    const r = experimentLink(model, [child, RECORD], { dataset: 'MNIST digits' });
    expect('link' in r).toBe(true);
    const link = (r as { link: ShareLink }).link;
    expect(link.base).toEqual({ kind: 'sample', id: 'lenet-5' });
    expect(link.variants.map((v) => [v.name, v.parent, v.sha])).toEqual([
      ['lenet-5 · 90% sparse', -1, 'a'.repeat(16)],
      ['lenet-5 · 90% sparse · uint8', 0, 'c'.repeat(16)],
    ]);
    expect(decodeLink(encodeLink(link))).toEqual(link);
  });
  it('says why there is nothing to share for a model without variants', () => {
    const lone = { ...model, summary: { sha256: 'f'.repeat(64) } } as unknown as ModelInfo;
    expect(experimentLink(lone, [], { dataset: null })).toEqual({ reason: expect.stringMatching(/Nothing to share yet/) });
  });
});
