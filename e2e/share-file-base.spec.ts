import { readFileSync } from 'node:fs';
import { expect, test } from './csp-test';
import { openApp, pickFiles, runPreset, waitForImportToFinish } from './helpers';

const sampleFiles = (id: string, jsonName = 'model.json') => [
  { path: jsonName, bytes: new Uint8Array(readFileSync(`public/samples/${id}/model.json`)) },
  { path: 'group1-shard1of1.bin', bytes: new Uint8Array(readFileSync(`public/samples/${id}/group1-shard1of1.bin`)) },
];
const asPicked = (files: { path: string; bytes: Uint8Array }[]) => files.map((f) => ({ name: f.path, mimeType: 'application/octet-stream', buffer: Buffer.from(f.bytes) }));

test('a link whose base is a dropped file: Reproduce asks for the file, refuses the wrong one naming expected and got, replays on the right one', async ({ page, browser }) => {
  test.setTimeout(240_000);
  await openApp(page);
  await expect(page.getByTestId('dataset-name')).toHaveText('MNIST digits');
  await pickFiles(page, sampleFiles('lenet-300-100', 'lenet-300-100-mine.json'));
  await waitForImportToFinish(page);
  await expect(page.getByTestId('model-name')).toHaveText('lenet-300-100-mine');
  await runPreset(page, 'Quantize', 'float16 — safe');
  await page.getByTestId('share-card').getByRole('button', { name: 'Copy link' }).click();
  const url = await page.getByTestId('share-url').inputValue();
  console.log(`file-base share link: ${url.length} characters`);

  const receiver = await browser.newContext();
  const other = await receiver.newPage();
  await other.goto(url);
  const shared = other.getByTestId('shared-experiment');
  await expect(shared).toContainText('a file “lenet-300-100-mine”');
  await expect(other.getByTestId('model-name')).not.toBeEmpty();
  await shared.getByTestId('reproduce').click();
  const ask = shared.getByTestId('base-file-ask');
  await expect(ask).toContainText('expected lenet-300-100-mine');
  await expect(ask).toContainText('SHA-256');

  // The wrong file: a clear error naming expected and got, nothing replayed.
  await ask.getByTestId('base-file-input').setInputFiles(asPicked(sampleFiles('lenet-5')));
  const error = other.getByRole('alert').filter({ hasText: 'BASE_FILE_MISMATCH' });
  await expect(error).toContainText('expected the base "lenet-300-100-mine"', { timeout: 60_000 });
  await expect(error).toContainText(/but got "model [0-9a-f]{8}" from model\.json, group1-shard1of1\.bin/);
  await expect(shared.getByTestId('reproduced-row')).toHaveCount(0);
  // Refused before anything was saved or opened: the wrong file leaves no trace.
  await expect(other.getByTestId('library-entry')).toHaveCount(0);
  await expect(other.getByTestId('model-name')).not.toHaveText('model');
  await other.getByRole('button', { name: 'Dismiss BASE_FILE_MISMATCH' }).click();

  // The right file: its SHA-256 matches, the recipe replays, byte-identical.
  await shared.getByTestId('reproduce').click();
  await shared.getByTestId('base-file-input').setInputFiles(asPicked(sampleFiles('lenet-300-100', 'lenet-300-100-mine.json')));
  await expect(shared.getByTestId('reproduced-row')).toHaveCount(1, { timeout: 120_000 });
  await expect(shared.getByTestId('reproduce')).toHaveText('Reproduce on my device', { timeout: 60_000 });
  await expect(shared.getByTestId('reproduced-sha')).toHaveText(['byte-identical (same SHA-256)']);
  await expect(other.getByRole('alert')).toHaveCount(0);
  await receiver.close();
});
