import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BonsaiError } from '../engine/errors';
import { parseAnalysisRecord, parseVariantRecord } from './records';
import { RECORD } from './test-utils/record-fixture';

const SHA = RECORD.id;
const PARENT = RECORD.parentId!;

function codeOf(f: () => unknown): string | null {
  try {
    f();
    return null;
  } catch (e) {
    return e instanceof BonsaiError ? e.code : `not a BonsaiError: ${String(e)}`;
  }
}

describe('variant records', () => {
  it('round-trips through JSON (what IndexedDB and a share link keep)', () => {
    expect(parseVariantRecord(JSON.parse(JSON.stringify(RECORD)))).toEqual(RECORD);
  });

  it('refuses an unknown version with a readable message', () => {
    expect(() => parseVariantRecord({ ...RECORD, schema: 2 })).toThrow(/schema version 2 is not one this Bonsai knows/);
    expect(codeOf(() => parseVariantRecord({ ...RECORD, schema: 2 }))).toBe('RECORD_INVALID');
  });

  it('refuses a malformed record naming the field', () => {
    expect(() => parseVariantRecord({ ...RECORD, id: 'not-a-sha' })).toThrow(/id/);
    expect(() => parseVariantRecord({ ...RECORD, report: { ...RECORD.report, latency: 'fast' } })).toThrow(/report\.latency/);
  });

  it('migrates a library entry from before records (version 0): parent and step kept, report null', () => {
    const legacy = { id: SHA, name: 'old', format: 'layers', createdAt: 5, sourceLabel: 's', storedBytes: 1, gzipBytes: 1, params: 1, parent: { ref: { kind: 'library', libraryId: PARENT }, name: 'p', step: 'trained' } };
    expect(parseVariantRecord(legacy)).toEqual({
      schema: 1, id: SHA, parentId: PARENT, parentRef: { kind: 'library', libraryId: PARENT }, parentName: 'p', name: 'old', format: 'layers', steps: [], createdAt: 5, report: null,
    });
  });

  it('any JSON value either parses or is refused as RECORD_INVALID — never another exception', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const code = codeOf(() => parseVariantRecord(v));
        expect(code === null || code === 'RECORD_INVALID').toBe(true);
        const code2 = codeOf(() => parseAnalysisRecord(v));
        expect(code2 === null || code2 === 'RECORD_INVALID').toBe(true);
      }),
      { numRuns: 500, seed: 8 },
    );
  });

  it('mutating one field of a valid record never throws anything but RECORD_INVALID', () => {
    const keys = Object.keys(RECORD);
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.jsonValue(), (key, value) => {
        const code = codeOf(() => parseVariantRecord({ ...RECORD, [key]: value }));
        expect(code === null || code === 'RECORD_INVALID').toBe(true);
      }),
      { numRuns: 500, seed: 9 },
    );
  });
});

describe('fidelity fields survive a save and a read', () => {
  it('keeps "not meaningful here" and the output distance (a reload must not turn them back into a percentage)', () => {
    const fidelity = { agreement: 1, meanKL: 0.2, count: 256, inputs: 'synthetic (weak: no dataset fits)' as const, maxLogitDelta: 3.5, parentClasses: 1, parentTopShare: 1, distribution: 'uniform [0, 1]', notMeaningful: 'the parent predicts one class' };
    const back = parseVariantRecord({ ...RECORD, report: { ...RECORD.report!, fidelity } });
    expect(back.report?.fidelity).toEqual(fidelity);
  });
});
