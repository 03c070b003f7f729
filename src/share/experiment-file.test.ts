import { unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { BonsaiError } from '../engine/errors';
import type { LibraryEntry } from '../library/db';
import { readExperimentFile, writeExperimentFile, type ExperimentModel } from './experiment-file';
import type { ShareLink } from './link';
import { RECORD } from './test-utils/record-fixture';

const metrics = { params: 1, nonZero: 1, stored: 1, gzip: 1, flops: null, accuracy: null, latency: [] };
const LINK: ShareLink = { v: 1, base: { kind: 'sample', id: 'lenet-5' }, name: 'lenet-5', dataset: null, seed: null, device: null, metrics, variants: [] };
const ENTRY: LibraryEntry = { id: RECORD.id, name: RECORD.name, format: 'layers', sourceLabel: 'x', createdAt: 1, storedBytes: 3, gzipBytes: 3, params: 10 };
const MODEL: ExperimentModel = { entry: ENTRY, record: RECORD, files: [{ path: 'model.json', bytes: new TextEncoder().encode('{}') }, { path: 'group1-shard1of1.bin', bytes: new Uint8Array([1, 2, 3]) }] };

const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e instanceof BonsaiError ? `${e.code}: ${e.message}` : `not a BonsaiError: ${String(e)}`;
  }
  return 'no error';
};

/** Rewrite experiment.json inside a written file. */
function tamper(edit: (manifest: Record<string, unknown>) => void, files?: (tree: Record<string, Uint8Array>) => void): Uint8Array {
  const tree = unzipSync(writeExperimentFile(LINK, [MODEL]));
  const manifest = JSON.parse(new TextDecoder().decode(tree['experiment.json'])) as Record<string, unknown>;
  edit(manifest);
  tree['experiment.json'] = new TextEncoder().encode(JSON.stringify(manifest));
  files?.(tree);
  return zipSync(tree);
}

describe('experiment file', () => {
  it('round-trips the experiment, entries, records and every file', () => {
    const back = readExperimentFile(writeExperimentFile(LINK, [MODEL]));
    expect(back.link).toEqual(LINK);
    expect(back.models[0].entry).toEqual(ENTRY);
    expect(back.models[0].record).toEqual(RECORD);
    expect(back.models[0].files).toEqual(MODEL.files);
  });
  it('refuses what is not one, naming the problem, with ZIP_INVALID', () => {
    expect(code(() => readExperimentFile(new Uint8Array([1, 2, 3])))).toMatch(/^ZIP_INVALID: .*cannot be read/);
    expect(code(() => readExperimentFile(zipSync({ 'model.json': new Uint8Array([123, 125]) })))).toMatch(/no experiment\.json/);
    expect(code(() => readExperimentFile(tamper((m) => void (m.version = 2))))).toMatch(/version/);
    expect(code(() => readExperimentFile(tamper((m) => void ((m.models as { files: string[] }[])[0].files = ['../../evil.bin']))))).toMatch(/a path inside the model folder/);
    expect(code(() => readExperimentFile(tamper(() => {}, (t) => void delete t[`models/${ENTRY.id}/group1-shard1of1.bin`])))).toMatch(/group1-shard1of1\.bin is missing/);
    expect(code(() => readExperimentFile(tamper((m) => void ((m.models as { record: { id: string } }[])[0].record.id = 'c'.repeat(64)))))).toMatch(/belongs to another model/);
    expect(code(() => readExperimentFile(tamper((m) => void (m.link = { v: 1 }))))).toMatch(/experiment\.json link/);
    expect(code(() => readExperimentFile(zipSync({ 'experiment.json': new TextEncoder().encode('{"__proto__":{"x":1}}') })))).toMatch(/__proto__/);
    expect(({} as { x?: number }).x).toBeUndefined();
  });
});
