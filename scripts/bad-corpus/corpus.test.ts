/**
 * Every case of the committed bad-input corpus (e2e/fixtures/bad-corpus) through the real import
 * path on cpu and wasm: the expected typed error (a BonsaiError with the case's code, a hint, and a
 * message naming the file it is about), or the expected warning, and no tensor left behind.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BonsaiError, type ErrorCode } from '../../src/engine/errors';
import { basename } from '../../src/engine/model/paths';
import { describeEachBackend } from '../../src/engine/test-utils/backends';
import { allCorpusCases, CORPUS_DIR } from './cases';
import { corpusFiles, corpusManifest, readCorpusManifest } from './read';
import { runCorpusCase } from './run-case';

const manifest = readCorpusManifest();
/** Errors about a whole selection rather than one file: their message lists what was dropped. */
const SELECTION_ERRORS: ErrorCode[] = ['NO_IMAGES'];

describe('bad-input corpus files', () => {
  it('holds at least 300 cases with unique ids, each expecting an outcome', () => {
    expect(manifest.length).toBeGreaterThanOrEqual(300);
    expect(new Set(manifest.map((c) => c.id)).size).toBe(manifest.length);
  });
  it('is what scripts/make-bad-corpus.ts makes (run `npm run make-bad-corpus` after editing the cases)', () => {
    const cases = allCorpusCases();
    expect(manifest).toEqual(JSON.parse(JSON.stringify(corpusManifest(cases))));
    for (const c of cases) {
      for (const f of c.files ?? []) {
        expect(new Uint8Array(readFileSync(path.join(CORPUS_DIR, c.id, f.path))), `${c.id}/${f.path}`).toEqual(f.bytes);
      }
    }
  });
});

describeEachBackend('bad-input corpus', () => {
  for (const c of manifest) {
    it(`${c.id}: ${c.description}`, async () => {
      const files = corpusFiles(c);
      const before = tf.memory().numTensors;
      const outcome = await runCorpusCase(c, files);
      expect(tf.memory().numTensors, 'a failed load leaves no tensor behind').toBe(before);
      if ('code' in c.expect) {
        const error = 'error' in outcome ? outcome.error : undefined;
        expect(error, `expected ${c.expect.code}, got ${JSON.stringify(outcome)}`).toBeInstanceOf(BonsaiError);
        const e = error as BonsaiError;
        expect(e.code, e.message).toBe(c.expect.code);
        expect(e.hint, 'every refusal says what to do').toBeTruthy();
        if (!SELECTION_ERRORS.includes(e.code)) {
          expect(e.file, `${e.code} names a file`).toBeTruthy();
          expect(e.message, 'the message names the file').toContain(basename(e.file!));
        }
        return;
      }
      expect('error' in outcome ? String((outcome as { error: unknown }).error) : undefined).toBeUndefined();
      const warnings = (outcome as { warnings: string[] }).warnings;
      if ('warning' in c.expect) expect(warnings).toContain(c.expect.warning);
      else expect(warnings).toEqual([]);
    });
  }
});
