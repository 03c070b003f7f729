import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { ExperimentRecord } from '../library/experiment-record';
import { RECORD } from '../share/test-utils/record-fixture';
import { deleteExperimentById, openExperiment, scopeRecords, useExperiments } from './experiment-actions';
import { useStore } from './store';

const sha = (c: string) => c.repeat(64);
const records = [sha('1'), sha('2'), sha('3')].map((id) => ({ ...RECORD, id }));
const EXPERIMENT: ExperimentRecord = {
  schema: 1, id: 'e', name: 'e', base: { kind: 'sample', sampleId: 'lenet-5' }, baseSha256: sha('b'), baseName: 'lenet-5',
  dataset: null, seed: null, variantIds: [sha('1'), sha('3')], createdAt: 1, updatedAt: 1,
};

describe('what Compare, the link and the experiment file describe', () => {
  it('the open experiment’s variants when it holds the open model (as base or variant)', () => {
    expect(scopeRecords(records, EXPERIMENT, sha('b')).map((r) => r.id)).toEqual([sha('1'), sha('3')]);
    expect(scopeRecords(records, EXPERIMENT, sha('3')).map((r) => r.id)).toEqual([sha('1'), sha('3')]);
  });

  it('every record (the model’s whole lineage) when no experiment is open or it does not hold the model', () => {
    expect(scopeRecords(records, undefined, sha('b'))).toBe(records);
    expect(scopeRecords(records, EXPERIMENT, sha('2'))).toBe(records);
  });
});

describe('an experiment action that fails', () => {
  it('a delete of an experiment that is gone reports why (kept past the next library refresh) and claims nothing freed', async () => {
    let refreshed = false;
    expect(await deleteExperimentById('gone', async () => void (refreshed = true))).toBeNull();
    expect(refreshed).toBe(false);
    const [shown] = useStore.getState().errors;
    expect(shown).toMatchObject({ code: 'EXPERIMENT_NOT_FOUND' });
    expect(shown.source).toBeUndefined();
  });
});

describe('opening an experiment', () => {
  it('opens its base unless the base or one of its variants is open already', async () => {
    useExperiments.setState({ list: [EXPERIMENT] });
    const opened: unknown[] = [];
    const openModel = async (ref: unknown) => (opened.push(ref), true);
    const openSha = (sha256: string) => useStore.setState({ currentModelId: 'm', models: { m: { summary: { sha256 } } } as never });
    openSha(sha('3'));
    await openExperiment('e', openModel);
    openSha(sha('b'));
    await openExperiment('e', openModel);
    expect(opened).toEqual([]);
    expect(useExperiments.getState().openId).toBe('e');
    openSha(sha('2'));
    await openExperiment('e', openModel);
    expect(opened).toEqual([EXPERIMENT.base]);
  });
});
