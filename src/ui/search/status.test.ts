import { describe, expect, it } from 'vitest';
import type { CandidateRecord } from '../../engine/techniques/search/meta';
import type { SearchSession } from '../../library/search-db';
import { atChance, statusCell, statusLine } from './status';

const candidate = (over: Partial<CandidateRecord>): CandidateRecord => ({
  key: 'search:0:0', index: 0, phase: 'search', rung: 0, arch: { kind: 'vector', hidden: [] }, archKey: 'k', description: 'd',
  status: 'trained', params: 10, flops: 10, gzipBytes: 100, latencyMs: 0.1, latencyBatchMs: null, predictedMs: 0.1,
  valAccuracy: 0.9, fitness: 0.9, budget: { epochs: 1, examples: 10 }, curve: [], ...over,
} as CandidateRecord);

describe('search status words', () => {
  it('flags a trained candidate at chance level (a stranger read 11.01% on 10 classes as one more accuracy)', () => {
    expect(atChance(candidate({ valAccuracy: 0.1101 }), 10)).toBe(true);
    expect(statusCell(candidate({ valAccuracy: 0.1101, rung: 1 }), 10)).toBe('rung 2 · at chance');
    expect(atChance(candidate({ valAccuracy: 0.2 }), 10)).toBe(false);
    expect(atChance(candidate({ valAccuracy: 0.6 }), 2)).toBe(true);
    expect(atChance(candidate({ valAccuracy: 0.8 }), 2)).toBe(false);
    // Unknown accuracy or classes: no claim either way.
    expect(atChance(candidate({ valAccuracy: null }), 10)).toBe(false);
    expect(atChance(candidate({ valAccuracy: 0.05 }), undefined)).toBe(false);
    expect(statusCell(candidate({ status: 'rejected', reason: 'too slow', valAccuracy: null }), 10)).toBe('rejected: too slow');
    expect(statusCell(candidate({ phase: 'final' }), 10)).toBe('retrained (full budget)');
  });

  it('says retraining, not searching, while the best are retrained', () => {
    const s = { status: 'running', elapsedMs: 30_000, config: { retrainTop: 2 }, candidates: [candidate({})] } as unknown as SearchSession;
    expect(statusLine(s, true, false)).toBe('Searching · 1 candidate trained · 30 s of search');
    const two = { ...s, candidates: [candidate({}), candidate({ key: 'search:0:1', index: 1, archKey: 'k2' })] } as SearchSession;
    expect(statusLine(two, true, true)).toBe('Retraining the best 2 with the full budget · 2 candidates trained · 30 s of search');
    expect(statusLine({ ...s, status: 'stopped' }, false, false)).toMatch(/^Stopped · 1 candidate trained kept/);
    // One candidate trained at two rungs: one candidate, and one retrains, not the configured two.
    const one = { ...s, candidates: [candidate({}), candidate({ key: 'search:1:0', rung: 1 })] } as SearchSession;
    expect(statusLine(one, true, true)).toBe('Retraining the best 1 with the full budget · 1 candidate trained · 30 s of search');
  });
});
