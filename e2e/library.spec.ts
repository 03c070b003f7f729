import { readFileSync } from 'node:fs';
import { expect, test } from './csp-test';
import { VALID_FIXTURES } from '../src/engine/model/bad-inputs.fixtures';
import { dropFiles, openApp, pickFiles, waitForImportToFinish } from './helpers';

const SAMPLE = 'public/samples/lenet-300-100';
const modelFiles = () => [
  { path: 'model.json', bytes: new Uint8Array(readFileSync(`${SAMPLE}/model.json`)) },
  { path: 'group1-shard1of1.bin', bytes: new Uint8Array(readFileSync(`${SAMPLE}/group1-shard1of1.bin`)) },
];

test('a dropped model is summarised, kept in the library across a reload, and can be deleted', async ({ page }) => {
  await openApp(page);
  await dropFiles(page, modelFiles());
  await waitForImportToFinish(page);
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(page.getByTestId('model-params')).toHaveText('266,610');
  await expect(page.getByTestId('layer-row')).toHaveCount(4);
  await expect(page.getByTestId('library-entry')).toHaveCount(1);

  await page.reload();
  await expect(page.getByTestId('library-entry')).toHaveCount(1);
  // The last opened model is reopened from the library.
  await expect(page.getByTestId('model-params')).toHaveText('266,610');

  await page.getByRole('button', { name: /^Delete / }).click();
  await expect(page.getByTestId('library-entry')).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId('library-entry')).toHaveCount(0);
});

test('files picked with the Open button import the same model', async ({ page }) => {
  await openApp(page);
  await pickFiles(page, modelFiles());
  await waitForImportToFinish(page);
  await expect(page.getByTestId('model-params')).toHaveText('266,610');
  await expect(page.getByTestId('total-flops')).toContainText('532,400');
});

test('a model.json named for its model gives the model that name, not "model"', async ({ page }) => {
  await openApp(page);
  const [json, shard] = modelFiles();
  await pickFiles(page, [{ ...json, path: 'lenet-300-100-mine.json' }, shard]);
  await waitForImportToFinish(page);
  await expect(page.getByTestId('model-name')).toHaveText('lenet-300-100-mine');
  await expect(page.getByTestId('library-entry')).toContainText('lenet-300-100-mine');
});

test('a zip and a GraphModel import through the UI', async ({ page }) => {
  await openApp(page);
  await pickFiles(page, VALID_FIXTURES.sequentialZip.files());
  await waitForImportToFinish(page);
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(page.getByTestId('model-params')).toHaveText('15');
  // Named after its zip: the model/ folder inside says nothing.
  await expect(page.getByTestId('model-name')).toHaveText('tiny-sequential');

  const graph = 'public/samples/mlp-graph';
  await pickFiles(page, [
    { path: 'model.json', bytes: new Uint8Array(readFileSync(`${graph}/model.json`)) },
    { path: 'group1-shard1of1.bin', bytes: new Uint8Array(readFileSync(`${graph}/group1-shard1of1.bin`)) },
  ]);
  await waitForImportToFinish(page);
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(page.getByTestId('model-format')).toHaveText(/GraphModel/);
  await expect(page.getByTestId('total-flops')).toContainText('532,400');
  await expect(page.getByTestId('flops-not-counted')).toContainText('BiasAdd');
  // A bare model.json names nothing: the model takes its fingerprint, never a plain "model".
  await expect(page.getByTestId('model-name')).toHaveText(/^model [0-9a-f]{8}$/);

  // The Prune tab opens on a preset a GraphModel can run; the others are disabled with the reason.
  await page.getByRole('tab', { name: 'Prune' }).click();
  const panel = page.getByTestId('prune-panel');
  await expect(panel.getByRole('button', { name: 'One-shot 50%', exact: true })).toHaveAttribute('aria-pressed', 'true');
  const gradual = panel.getByRole('button', { name: 'Gradual 90%', exact: true });
  await expect(gradual).toBeDisabled();
  await expect(gradual).toHaveAttribute('title', /GraphModel is inference-only/);
  await expect(panel.getByRole('button', { name: 'Run prune' })).toBeEnabled();
});

test('a model loads from a URL; a URL that answers with a web page says so and loses nothing', async ({ page, baseURL }) => {
  await openApp(page);
  const before = await page.getByTestId('model-name').textContent();
  await page.getByLabel('URL of a hosted model.json').fill(`${baseURL}/nowhere/model.json`);
  await page.getByRole('button', { name: 'Load URL' }).click();
  // The preview server, like many static hosts, answers unknown paths with its index.html.
  await expect(page.getByRole('alert')).toHaveAttribute('data-code', 'NOT_JSON');
  await expect(page.getByRole('alert')).toContainText('HTML web page');
  await expect(page.getByTestId('model-name')).toHaveText(before!);
  await page.getByRole('button', { name: /^Dismiss / }).click();

  await page.getByLabel('URL of a hosted model.json').fill(`${baseURL}/samples/lenet-300-100/model.json`);
  await page.getByRole('button', { name: 'Load URL' }).click();
  await waitForImportToFinish(page);
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(page.getByTestId('model-params')).toHaveText('266,610');
  await expect(page.getByTestId('model-name')).toHaveText('lenet-300-100');
  await expect(page.getByTestId('library-entry')).toHaveCount(1);
});
