import { readFileSync } from 'node:fs';
import { expect, test, type Page } from './csp-test';
import { openApp, openGraphFixture, pickFiles, runPreset as runTabPreset, waitForImportToFinish } from './helpers';

async function openSample(page: Page, sampleId: string) {
  await openApp(page);
  await page.getByLabel('Built-in sample').selectOption(sampleId);
  await expect(page.getByTestId('model-name')).toHaveText(sampleId);
  await expect(page.getByTestId('dataset-name')).toHaveText('MNIST digits');
}

async function runPreset(page: Page, tab: 'Prune' | 'Quantize', preset: string) {
  await runTabPreset(page, tab, preset);
  return page.getByTestId('variant-card');
}

async function exportAndReimport(page: Page) {
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export .zip' }).click();
  const file = await download;
  const bytes = new Uint8Array(readFileSync((await file.path())!));
  const name = (await page.getByTestId('model-name').textContent())!.trim();
  await pickFiles(page, [{ path: file.suggestedFilename(), bytes }]);
  await waitForImportToFinish(page);
  await expect(page.getByRole('alert')).toHaveCount(0);
  return name;
}

test('prune LeNet-5 with a preset: result card, chart, export, re-import', async ({ page }) => {
  test.setTimeout(240_000);
  await openSample(page, 'lenet-5');
  // The preset, with the fine-tune's random ±2 px shifts ticked in Options (what the samples were trained with).
  await page.getByRole('tab', { name: 'Prune' }).click();
  await page.getByRole('button', { name: 'Slim channels 50%', exact: true }).click();
  const panel = page.getByTestId('prune-panel');
  await panel.getByText('Options', { exact: true }).click();
  await panel.getByTestId('fine-tune-shift').check();
  // An edit keeps the preset it started from in view.
  await expect(page.getByTestId('preset-description')).toHaveText('Custom settings: the “Slim channels 50%” preset, edited.');
  await panel.getByText('All settings (JSON)', { exact: true }).click();
  expect(JSON.parse(await panel.getByLabel('All settings as JSON').inputValue()).fineTune.augment).toBe('shift');
  await page.getByRole('button', { name: 'Run prune' }).click();
  await expect(page.getByTestId('job-optimize')).toHaveCount(0, { timeout: 170_000 });
  await expect(page.getByRole('alert')).toHaveCount(0);
  const card = page.getByTestId('variant-card');
  await expect(card).toBeVisible();
  await expect(page.getByTestId('model-name')).toHaveText(/lenet-5 · /);
  await expect(page.getByTestId('per-layer-chart')).toBeVisible();
  await expect(card.getByTestId('variant-latency').first()).toBeVisible();
  // Structured pruning makes a physically smaller model.
  const paramsAfter = Number((await page.getByTestId('model-params').textContent())!.replace(/,/g, ''));
  expect(paramsAfter).toBeLessThan(61706);
  const paramsText = await page.getByTestId('model-params').textContent();
  await exportAndReimport(page);
  await expect(page.getByTestId('model-params')).toHaveText(paramsText!);
});

test('depth-prune LeNet-5 with the “Fewer layers” preset: pools folded, a Dense layer merged, export, re-import', async ({ page }) => {
  test.setTimeout(240_000);
  await openSample(page, 'lenet-5');
  await page.getByRole('tab', { name: 'Prune' }).click();
  await page.getByRole('button', { name: 'Fewer layers', exact: true }).click();
  const panel = page.getByTestId('prune-panel');
  await panel.getByText('Options', { exact: true }).click();
  await expect(panel.getByTestId('fold-pooling')).toHaveValue('fold');
  await expect(panel.getByTestId('merge-dense')).toHaveValue('1');
  await page.getByRole('button', { name: 'Run prune' }).click();
  await expect(page.getByTestId('job-optimize')).toHaveCount(0, { timeout: 170_000 });
  await expect(page.getByRole('alert')).toHaveCount(0);
  const card = page.getByTestId('variant-card');
  await expect(card.getByTestId('variant-notes')).toContainText('conv1 now 6×6 stride 2, pool1 removed; conv2 now 6×6 stride 2, pool2 removed');
  await expect(card.getByTestId('variant-notes')).toContainText('fc2 removed, their kernels multiplied into fc3');
  await expect(page.getByTestId('model-name')).toHaveText('lenet-5 · 2 pools folded, 1 dense merged');
  // The merged layer keeps a row in the per-layer table: 84 units before, none after.
  await expect(page.getByTestId('per-layer-table').getByRole('row', { name: /^fc2 84 0 100\.0%/ })).toHaveCount(1);
  // 5×5 kernels grow to 6×6 (conv1 156 → 222, conv2 2,416 → 3,472 weights and biases); fc2
  // (120×84 + 84) and fc3 (84×10 + 10) become one 120×10 + 10 layer: 61,706 → 53,024.
  await expect(page.getByTestId('model-params')).toHaveText('53,024');
  await exportAndReimport(page);
  await expect(page.getByTestId('model-params')).toHaveText('53,024');
});

test('quantize LeNet-5 to uint8: 4× smaller file, honest note, export, re-import', async ({ page }) => {
  test.setTimeout(240_000);
  await openSample(page, 'lenet-5');
  const card = await runPreset(page, 'Quantize', 'uint8 — 4× smaller');
  await expect(card.getByTestId('variant-notes')).toContainText('dequantizes');
  await page.getByRole('tab', { name: 'Summary' }).click();
  await expect(page.getByTestId('total-quantization')).toHaveText(/uint8/);
  await exportAndReimport(page);
  await expect(page.getByTestId('total-quantization')).toHaveText(/uint8/);
});

test('quantize a dropped GraphModel to float16 and re-import it', async ({ page }) => {
  test.setTimeout(240_000);
  await openApp(page);
  await openGraphFixture(page);
  const card = await runPreset(page, 'Quantize', 'float16 — safe');
  await expect(card.getByTestId('variant-fidelity')).toContainText('agree');
  await expect(page.getByTestId('model-format')).toHaveText(/GraphModel/);
  await exportAndReimport(page);
  await page.getByRole('tab', { name: 'Summary' }).click();
  await expect(page.getByTestId('total-quantization')).toHaveText(/float16/);
});

test('bad technique settings are refused with the field named', async ({ page }) => {
  await openSample(page, 'lenet-300-100');
  await page.getByRole('tab', { name: 'Prune' }).click();
  await page.getByText('Options', { exact: true }).click();
  // The field takes a fraction; its hint says what a value means, and tells a percentage apart.
  await page.getByTestId('sparsity').fill('0.9');
  await expect(page.getByTestId('sparsity-hint')).toHaveText('90% of the prunable weights set to zero (small layers stay dense)');
  await page.getByTestId('sparsity').fill('90');
  await expect(page.getByTestId('sparsity-hint')).toHaveText('a fraction, not a percentage: type 0.9 for 90%');
  await page.getByTestId('sparsity').fill('1.5');
  await page.getByRole('button', { name: 'Run prune' }).click();
  await expect(page.getByTestId('config-problem')).toContainText('sparsity');
  await expect(page.getByTestId('job-optimize')).toHaveCount(0);
});

test('a sensitivity scan is a report (no new model), then gradual pruning shows the sparsity schedule', async ({ page }) => {
  test.setTimeout(240_000);
  await openSample(page, 'lenet-300-100');
  await page.getByRole('tab', { name: 'Prune' }).click();
  await page.getByRole('button', { name: 'Sensitivity scan', exact: true }).click();
  await page.getByRole('button', { name: 'Run prune' }).click();
  const report = page.getByTestId('report-card');
  await expect(report).toBeVisible({ timeout: 120_000 });
  await expect(report.getByTestId('sensitivity-chart')).toBeVisible();
  await expect(report).toContainText('validation');
  await expect(page.getByRole('alert')).toHaveCount(0);
  // A report changes no model: the open model and the library are as they were.
  await expect(page.getByTestId('model-name')).toHaveText('lenet-300-100');
  await expect(page.getByTestId('library-entry')).toHaveCount(0);

  await page.getByRole('button', { name: 'Gradual 90%', exact: true }).click();
  await page.getByRole('button', { name: 'Run prune' }).click();
  await expect(page.getByTestId('training-chart')).toBeVisible();
  const card = page.getByTestId('variant-card');
  await expect(card).toBeVisible({ timeout: 180_000 });
  await expect(card.getByTestId('variant-notes')).toContainText('sparse kernels');
  // Written with its hidden units reordered for gzip, the bytes before and after in the notes.
  await expect(card.getByTestId('variant-notes')).toContainText(/Hidden units reordered, densest first \(fc1 → fc2[^)]*\), so gzip finds longer zero runs: weights [\d,]+ → [\d,]+ B gzipped/);
});

test('cancelling a prune run saves no partial model and shows no error', async ({ page }) => {
  await openSample(page, 'lenet-5');
  await page.getByRole('tab', { name: 'Prune' }).click();
  await page.getByRole('button', { name: 'Gradual 90%', exact: true }).click();
  await page.getByRole('button', { name: 'Run prune' }).click();
  const job = page.getByTestId('job-optimize');
  await expect(job).toContainText('epoch');
  await job.getByRole('button', { name: 'Cancel' }).click();
  await expect(job).toHaveCount(0);
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(page.getByTestId('model-name')).toHaveText('lenet-5');
  await expect(page.getByTestId('library-entry')).toHaveCount(0);
  await expect(page.getByTestId('variant-card')).toHaveCount(0);
});

test('a high sparsity with a short fine-tune is flagged in the prune options, and the flag goes once the fine-tune is long', async ({ page }) => {
  await openSample(page, 'lenet-300-100');
  await page.getByRole('tab', { name: 'Prune' }).click();
  await page.getByRole('button', { name: 'Gradual 90%', exact: true }).click();
  const panel = page.getByTestId('prune-panel');
  await panel.getByText('Options', { exact: true }).click();
  const hint = panel.getByTestId('sparsity-fine-tune-hint');
  await expect(hint).toContainText('At 90% zeros, 2 epochs of fine-tuning is short');
  await expect(hint).toContainText('“Deep Compression, long fine-tune”');
  await panel.getByLabel('Epochs').fill('60');
  await expect(hint).toHaveCount(0);
  await panel.getByLabel('Epochs').fill('5');
  await expect(hint).toContainText('5 epochs');
  await panel.getByTestId('sparsity').fill('0.5');
  await expect(hint).toHaveCount(0);
});
