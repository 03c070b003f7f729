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
import { encodeLink, LINK_PREFIX, type ShareLink } from '../../src/share/link';
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

export function fuzzInputs(): fc.Arbitrary<FuzzInput> {
  const validFragment = encodeLink(FUZZ_LINK);
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
    { weight: 25, arbitrary: fc.oneof(
      fc.string({ maxLength: 300 }).map((s) => LINK_PREFIX + s),
      byteEdits().map((e) => LINK_PREFIX + new TextDecoder().decode(applyByteEdits(new TextEncoder().encode(validFragment.slice(LINK_PREFIX.length)), e))),
      jsonEdits().map((e) => fragmentOf(applyJsonEdits(FUZZ_LINK, e))),
      fc.jsonValue({ maxDepth: 4 }).map((j) => fragmentOf(j)),
    ).map((fragment): FuzzInput => ({ target: 'link', fragment })) },
    { weight: 5, arbitrary: byteEdits().map((e): FuzzInput => ({ target: 'experiment', bytes: applyByteEdits(experiment, e) })) },
  );
}
