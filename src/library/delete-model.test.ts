import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { RECORD } from '../share/test-utils/record-fixture';
import type { VariantRecord } from '../share/records';
import { closeLibrary, getLibraryEntry, getVariantRecord, listAnalyses, listLibrary, openLibrary, saveAnalysis, saveVariant, type LibraryEntry } from './db';
import { deleteModel } from './delete-model';
import { createExperiment, listExperiments, type ExperimentBase } from './experiments-db';
import { modelUsage } from './reparent';

const sha = (c: string) => c.repeat(64);
const BASE_SHA = sha('b');
const BASE: ExperimentBase = { base: { kind: 'sample', sampleId: 'lenet-5' }, baseSha256: BASE_SHA, baseName: 'lenet-5', dataset: null, seed: 7 };
const metrics = (storedBytes: number) => ({ ...RECORD.report!.before, storedBytes });

/** A variant made from `parentId` by one step, measured `before` → `after` stored bytes on wasm batch 1. */
async function variant(id: string, parentId: string, technique: string, before: number, after: number, parentName = 'p'): Promise<VariantRecord> {
  const steps = [{ technique, config: { n: before } }];
  const record: VariantRecord = {
    ...RECORD, id, parentId, parentName, name: technique, steps,
    parentRef: parentId === BASE_SHA ? { kind: 'sample', sampleId: 'lenet-5' } : { kind: 'library', libraryId: parentId },
    report: { ...RECORD.report!, steps, step: technique, before: metrics(before), after: metrics(after), latency: [{ backend: 'wasm', batchSize: 1, beforeMs: before, afterMs: after, ratio: after / before, device: null }] },
  };
  const entry: LibraryEntry = { id, name: technique, format: 'layers', sourceLabel: 's', createdAt: 1, storedBytes: after, gzipBytes: after, params: 1, parent: { ref: record.parentRef!, name: parentName, step: technique } };
  await saveVariant(entry, [{ path: 'model.json', bytes: new Uint8Array([1]) }], record);
  return record;
}

afterEach(async () => {
  closeLibrary();
  await new Promise<void>((resolve) => {
    const r = indexedDB.deleteDatabase('bonsai');
    r.onsuccess = r.onerror = r.onblocked = () => resolve();
  });
});

describe('deleting a model an experiment uses', () => {
  it('removes the variant from every experiment and moves its children up to its parent, with its steps joined, in one transaction', async () => {
    await variant(sha('1'), BASE_SHA, 'prune', 100, 80, 'lenet-5');
    await variant(sha('2'), sha('1'), 'cluster', 80, 40, 'prune');
    await saveAnalysis({ schema: 1, id: 'a1', modelId: sha('1'), modelName: 'm', technique: 'prune', config: {}, createdAt: 1, device: null, report: { title: 't', step: 's', perLayer: [], notes: [] } });
    const one = await createExperiment('one', BASE, [sha('1'), sha('2')], 1);
    const two = await createExperiment('two', BASE, [sha('1')], 2);
    const usage = modelUsage(sha('1'), (await listExperiments()).experiments);
    expect(usage.baseOf).toEqual([]);
    expect(usage.variantIn).toHaveLength(2);
    expect(usage.variantIn).toEqual(expect.arrayContaining([{ id: two.id, name: 'two' }, { id: one.id, name: 'one' }]));
    expect(modelUsage(BASE_SHA, [one]).baseOf).toEqual([{ id: one.id, name: 'one' }]);

    const done = await deleteModel(sha('1'), 9);
    expect({ ...done, experiments: [...done.experiments].sort() }).toEqual({ experiments: ['one', 'two'], reparented: [sha('2')] });
    const byName = new Map((await listExperiments()).experiments.map((e) => [e.name, e]));
    expect(byName.get('one')).toMatchObject({ variantIds: [sha('2')], updatedAt: 9 });
    expect(byName.get('two')).toMatchObject({ variantIds: [], updatedAt: 9 });
    expect((await listLibrary()).map((e) => e.id)).toEqual([sha('2')]);
    expect(await listAnalyses(sha('1'))).toEqual([]);

    const child = (await getVariantRecord(sha('2')))!;
    expect(child).toMatchObject({ parentId: BASE_SHA, parentRef: { kind: 'sample', sampleId: 'lenet-5' }, parentName: 'lenet-5' });
    // Replaying the joined steps on the base makes the same bytes: prune, then cluster.
    expect(child.steps.map((s) => s.technique)).toEqual(['prune', 'cluster']);
    expect(child.report).toMatchObject({ step: 'prune → cluster', before: { storedBytes: 100 }, after: { storedBytes: 40 }, fidelity: null });
    expect(child.report!.latency).toEqual([{ backend: 'wasm', batchSize: 1, beforeMs: 100, afterMs: 40, ratio: 0.8 * 0.5, device: null }]);
    expect(child.report!.fidelityUnknown).toMatch(/measured against “prune”, which was deleted/);
    expect((await getLibraryEntry(sha('2')))!.parent).toEqual({ ref: { kind: 'sample', sampleId: 'lenet-5' }, name: 'lenet-5', step: 'prune → cluster' });
  });

  it('refuses to delete an experiment’s base (named in the error) and changes nothing', async () => {
    await variant(sha('4'), BASE_SHA, 'prune', 100, 80);
    await variant(sha('5'), sha('4'), 'cluster', 80, 40);
    const onFile = await createExperiment('on a file', { ...BASE, base: { kind: 'library', libraryId: sha('4') }, baseSha256: sha('4') }, [sha('5')], 1);
    await expect(deleteModel(sha('4'))).rejects.toMatchObject({ code: 'MODEL_IN_USE', message: /base of the experiment “on a file”/ });
    expect((await listLibrary()).map((e) => e.id).sort()).toEqual([sha('4'), sha('5')]);
    expect((await getVariantRecord(sha('5')))!.parentId).toBe(sha('4'));
    expect((await listExperiments()).experiments).toEqual([onFile]);
  });

  it('a damaged experiment still protects its base, and loses a deleted variant without being rewritten otherwise', async () => {
    await variant(sha('6'), BASE_SHA, 'prune', 100, 80);
    const db = await openLibrary();
    await db.put('experiments', { id: 'damaged-base', schema: 99, baseSha256: sha('6') });
    await expect(deleteModel(sha('6'))).rejects.toMatchObject({ code: 'MODEL_IN_USE', message: /unreadable experiment damaged-bas/ });
    await db.delete('experiments', 'damaged-base');
    await db.put('experiments', { id: 'damaged', schema: 99, variantIds: [sha('6'), 'x'] });
    await deleteModel(sha('6'), 5);
    expect(await db.get('experiments', 'damaged')).toEqual({ id: 'damaged', schema: 99, variantIds: ['x'], updatedAt: 5 });
  });
});
