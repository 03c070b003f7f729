import { describe, expect, it } from 'vitest';
import { RECORD } from '../share/test-utils/record-fixture';
import type { VariantRecord } from '../share/records';
import { reparent, withoutVariant } from './reparent';

const sha = (c: string) => c.repeat(64);
const gone: VariantRecord = { ...RECORD, id: sha('1'), parentId: sha('b'), name: 'pruned', parentName: 'lenet-5' };
const child: VariantRecord = {
  ...RECORD, id: sha('2'), parentId: sha('1'), parentRef: { kind: 'library', libraryId: sha('1') }, parentName: 'pruned', name: 'clustered',
  steps: [{ technique: 'cluster', config: { k: 16 } }],
  report: { ...RECORD.report!, step: 'clustered', steps: [{ technique: 'cluster', config: { k: 16 } }], latency: [{ backend: 'webgpu', batchSize: 8, beforeMs: 2, afterMs: 1, ratio: 0.5, device: null }] },
};

describe('a child re-parented when its parent is deleted', () => {
  it('drops a latency its new parent was never timed on, saying so, and keeps its own after-metrics', () => {
    const moved = reparent(child, gone);
    expect(moved.steps.map((s) => s.technique)).toEqual(['prune', 'cluster']);
    expect(moved.report!.latency).toEqual([]);
    expect(moved.report!.after).toEqual(child.report!.after);
    expect(moved.report!.notes.at(-1)).toMatch(/1 latency measurement\(s\) were dropped: “lenet-5” was not timed/);
  });

  it('a parent without a report (made before reports were kept): steps joined, its figures kept with a note', () => {
    const moved = reparent(child, { ...gone, report: null });
    expect(moved).toMatchObject({ parentId: sha('b'), parentName: 'lenet-5', report: { before: child.report!.before, step: 'clustered' } });
    expect(moved.report!.notes.at(-1)).toMatch(/“before” figures are still those of “pruned”/);
  });

  it('an experiment that does not hold the deleted variant is left as it is', () => {
    expect(withoutVariant({ id: 'e', variantIds: [sha('2')] }, sha('1'), 1)).toBeNull();
    expect(withoutVariant(null, sha('1'), 1)).toBeNull();
  });
});
