import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { listExperiments } from '../library/experiments-db';
import { RECORD } from '../share/test-utils/record-fixture';
import { adoptImportedExperiment, useExperiments } from './experiment-actions';

const sha = (c: string) => c.repeat(64);
// The base (sha b, the fixture's parent) → 1 → 2: what an experiment file carries.
const records = [{ ...RECORD, id: sha('1') }, { ...RECORD, id: sha('2'), parentId: sha('1'), parentRef: { kind: 'library' as const, libraryId: sha('1') } }];

describe('importing the same experiment file twice', () => {
  it('opens the experiment the first import made, says so, and never duplicates it', async () => {
    await adoptImportedExperiment('lenet-5', records);
    const first = useExperiments.getState();
    expect(first.list).toHaveLength(1);
    expect(first.notice).toBeUndefined();
    const id = first.openId;
    expect(first.list[0]).toMatchObject({ id, name: 'lenet-5 experiment', baseSha256: sha('b'), variantIds: [sha('1'), sha('2')] });

    useExperiments.setState({ openId: undefined });
    await adoptImportedExperiment('lenet-5', [...records].reverse());
    const second = useExperiments.getState();
    expect((await listExperiments()).experiments).toHaveLength(1);
    expect(second.openId).toBe(id);
    expect(second.notice).toMatch(/^Already imported: .*“lenet-5 experiment”.*Nothing was duplicated/);

    // A file with a variant this browser has not seen is another experiment.
    await adoptImportedExperiment('lenet-5', [...records, { ...RECORD, id: sha('3') }]);
    expect((await listExperiments()).experiments).toHaveLength(2);
    expect(useExperiments.getState().notice).toBeUndefined();
  });
});
