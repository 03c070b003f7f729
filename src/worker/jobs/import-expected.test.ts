import 'fake-indexeddb/auto';
import { expect, it } from 'vitest';
import { sampleFiles } from '../../engine/model/compact/test-utils/stock';
import { describeEachBackend } from '../../engine/test-utils/backends';
import { closeLibrary, listLibrary } from '../../library/db';
import { disposeModel, loadedModelCount } from '../models';
import { createJobContext } from './context';
import { runImport } from './import';

const ctx = () => createJobContext('t', new AbortController().signal, () => undefined);

async function shaOf(id: string): Promise<string> {
  const model = await runImport({ kind: 'files', files: sampleFiles(id), via: 'picked' }, undefined, ctx());
  disposeModel(model.id);
  return model.summary.sha256;
}

describeEachBackend('a shared experiment’s base file, checked before anything is saved', () => {
  it('a file with another SHA-256 is refused naming expected and got, and leaves no trace in the Library; the right one is saved', async () => {
    const expected = { sha256: await shaOf('lenet-300-100'), name: 'lenet-300-100-mine', bytes: 1_066_000 };
    const saved = (await listLibrary()).map((e) => e.id);
    const opened = loadedModelCount();
    await expect(runImport({ kind: 'files', files: sampleFiles('lenet-5'), via: 'picked', expect: expected }, undefined, ctx())).rejects.toMatchObject({
      code: 'BASE_FILE_MISMATCH',
      message: expect.stringMatching(/expected the base "lenet-300-100-mine" \(1\.0\d MB stored, SHA-256 [0-9a-f]{16}…\), but got "model [0-9a-f]{8}" from .*model\.json.* \(.* stored, SHA-256 [0-9a-f]{16}…\)/),
    });
    expect((await listLibrary()).map((e) => e.id)).toEqual(saved);
    expect(loadedModelCount()).toBe(opened);

    const right = await runImport({ kind: 'files', files: sampleFiles('lenet-300-100'), via: 'picked', expect: expected }, undefined, ctx());
    expect(right.summary.sha256).toBe(expected.sha256);
    disposeModel(right.id);
    closeLibrary();
  });
});
