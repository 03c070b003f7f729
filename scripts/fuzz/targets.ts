/**
 * What the fuzzer feeds Bonsai: mutated model.json trees, weight manifests, model.json bytes,
 * shards, zips, share links and experiment files, all from tiny valid originals.
 */
import fc from 'fast-check';
import { deflateSync } from 'fflate';
import {
  denseWeightBytes, functionalModelJson, graphModelJson, jsonFile, sequentialModelJson, SHARD,
} from '../../src/engine/model/valid-models.fixtures';
import type { InputFile } from '../../src/engine/model/types';
import { encodeLink, LINK_PREFIX, MAX_INFLATED_BYTES, MAX_LINK_CHARS, type ShareLink } from '../../src/share/link';
import { writeExperimentFile } from '../../src/share/experiment-file';
import type { LibraryEntry } from '../../src/library/db';
import { RECORD } from '../../src/share/test-utils/record-fixture';
import { zipOf } from '../bad-corpus/zip';
import { applyByteEdits, applyJsonEdits, byteEdits, jsonEdits } from './mutate';

export type FuzzTarget = 'model-json' | 'manifest' | 'json-bytes' | 'shard' | 'zip' | 'link' | 'experiment';
export type FuzzInput = { target: FuzzTarget; files: InputFile[] } | { target: 'link'; fragment: string } | { target: 'experiment'; bytes: Uint8Array };

const BASES = [sequentialModelJson, functionalModelJson, graphModelJson];
const base = fc.nat(BASES.length - 1).map((i) => BASES[i]());
const bin = (): InputFile => ({ path: SHARD, bytes: denseWeightBytes() });
const text = (json: unknown) => new TextEncoder().encode(JSON.stringify(json));

const metrics = { params: 15, nonZero: 15, stored: 900, gzip: 700, flops: 24, accuracy: 0.9, latency: [{ backend: 'wasm', batch: 1, ms: 0.1 }] };
export const FUZZ_LINK: ShareLink = {
  v: 1, base: { kind: 'sample', id: 'lenet-5' }, name: 'lenet-5', dataset: 'MNIST digits', seed: 1,
  device: { backend: 'wasm', simd: true, threads: 1, agent: 'Chrome' }, metrics,
  variants: [{ name: 'pruned', parent: -1, step: 'prune 50%', steps: [{ technique: 'prune', config: { sparsity: 0.5 } }], sha: '0123456789abcdef', metrics }],
};
const ENTRY: LibraryEntry = { id: RECORD.id, name: RECORD.name, format: 'layers', sourceLabel: 'x', createdAt: 1, storedBytes: 3, gzipBytes: 3, params: 10 };

const fragmentOf = (json: unknown) => LINK_PREFIX + Buffer.from(deflateSync(text(json))).toString('base64url');

/**
 * Hostile share-link fragments: random text, byte edits of a valid link (truncations, other
 * characters), edits of its JSON (wrong versions and types, `__proto__` / `constructor` keys,
 * script-looking strings, other URL schemes, huge numbers), other versions, arbitrary JSON, each deflated as a
 * link is, oversized fragments, and deflate bombs (a short fragment that unpacks past the cap).
 */
export function linkFragments(): fc.Arbitrary<FuzzInput> {
  const validFragment = encodeLink(FUZZ_LINK);
  return fc.oneof(
    fc.string({ maxLength: 300 }).map((s) => LINK_PREFIX + s),
    byteEdits().map((e) => LINK_PREFIX + new TextDecoder().decode(applyByteEdits(new TextEncoder().encode(validFragment.slice(LINK_PREFIX.length)), e))),
    jsonEdits().map((e) => fragmentOf(applyJsonEdits(FUZZ_LINK, e))),
    fc.jsonValue({ maxDepth: 4 }).map((j) => fragmentOf(j)),
    fc.integer({ min: 1, max: 4 * MAX_LINK_CHARS }).map((n) => validFragment + 'A'.repeat(n)),
    fc.integer({ min: 1, max: 4 }).map((k) => fragmentOf({ ...FUZZ_LINK, name: ' '.repeat(k * MAX_INFLATED_BYTES) })),
    fc.constantFrom<unknown>(0, 2, 99, -1, 1.5, '1', null, [1], { v: 1 }).map((v) => fragmentOf({ ...FUZZ_LINK, v })),
  ).map((fragment): FuzzInput => ({ target: 'link', fragment }));
}

export function fuzzInputs(): fc.Arbitrary<FuzzInput> {
  const experiment = writeExperimentFile(FUZZ_LINK, [{ entry: ENTRY, record: RECORD, files: [jsonFile('model.json', sequentialModelJson()), bin()] }]);
  return fc.oneof(
    { weight: 25, arbitrary: fc.tuple(base, jsonEdits()).map(([j, e]): FuzzInput => ({ target: 'model-json', files: [jsonFile('model.json', applyJsonEdits(j, e)), bin()] })) },
    { weight: 15, arbitrary: fc.tuple(base, jsonEdits(3)).map(([j, e]): FuzzInput => ({ target: 'manifest', files: [jsonFile('model.json', applyJsonEdits(j, e, 'weightsManifest')), bin()] })) },
    { weight: 10, arbitrary: fc.tuple(base, byteEdits()).map(([j, e]): FuzzInput => ({ target: 'json-bytes', files: [{ path: 'model.json', bytes: applyByteEdits(text(j), e) }, bin()] })) },
    { weight: 10, arbitrary: fc.tuple(base, byteEdits(), fc.boolean()).map(([j, e, nanBytes]): FuzzInput => {
      const bytes = applyByteEdits(nanBytes ? denseWeightBytes().map((b, i) => (i % 4 === 3 ? 0x7f : b)) : denseWeightBytes(), e);
      return { target: 'shard', files: [jsonFile('model.json', j), { path: SHARD, bytes }] };
    }) },
    { weight: 10, arbitrary: fc.tuple(base, byteEdits(3), fc.constantFrom<0 | 6>(0, 6)).map(([j, e, level]): FuzzInput =>
      ({ target: 'zip', files: [{ path: 'model.zip', bytes: applyByteEdits(zipOf('model.zip', [jsonFile('model.json', j), bin()], level).bytes, e) }] })) },
    { weight: 25, arbitrary: linkFragments() },
    { weight: 5, arbitrary: byteEdits().map((e): FuzzInput => ({ target: 'experiment', bytes: applyByteEdits(experiment, e) })) },
  );
}
