import { expect, test, type Page } from './csp-test';
import { openApp, runPreset } from './helpers';

async function expectCardAndTree(page: Page, variantName: string) {
  await expect(page.getByTestId('model-name')).toHaveText(variantName);
  await page.getByRole('tab', { name: 'Quantize' }).click();
  const card = page.getByTestId('variant-card');
  await expect(card).toBeVisible();
  await expect(card).toContainText('float16');
  await expect(card.getByTestId('variant-latency').first()).toContainText('×');
  // The card says where settings were chosen and where accuracy was measured.
  await expect(card).toContainText('validation (seed 7)');
  // The scan made on the variant is kept with it.
  await page.getByRole('tab', { name: 'Prune' }).click();
  await expect(page.getByTestId('report-card')).toContainText('Sensitivity scan');
  // The tree: the variant under the model it was made from (the second variant is its child).
  const entries = page.getByTestId('library-entry');
  await expect(entries).toHaveCount(2);
  await expect(page.locator('[data-testid="library-entry"][data-depth="1"]')).toHaveCount(1);
  await expect(page.getByTestId('library-step').first()).toContainText('from lenet-300-100');
}

test('result cards, reports and the variant tree come back after a reload and after an engine restart', async ({ page }) => {
  test.setTimeout(300_000);
  await openApp(page);
  await page.getByLabel('Built-in sample').selectOption('lenet-300-100');
  await expect(page.getByTestId('model-name')).toHaveText('lenet-300-100');
  await expect(page.getByTestId('dataset-name')).toHaveText('MNIST digits');

  await runPreset(page, 'Prune', 'One-shot 50%');
  await expect(page.getByTestId('model-name')).toHaveText(/^lenet-300-100 · /);
  await runPreset(page, 'Quantize', 'float16 — safe');
  await expect(page.getByTestId('model-name')).toHaveText(/^lenet-300-100 · .* · /);
  const second = (await page.getByTestId('model-name').textContent())!.trim();
  await runPreset(page, 'Prune', 'Sensitivity scan');
  await expect(page.getByTestId('model-name')).toHaveText(second);
  await expectCardAndTree(page, second);

  await page.reload();
  await expectCardAndTree(page, second);

  await page.getByTestId('backend-badge').click();
  await page.getByRole('button', { name: 'Restart engine' }).click();
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  await expectCardAndTree(page, second);
  await expect(page.getByRole('alert')).toHaveCount(0);
});

test('a recipe runs as one job and each step’s result is a node of the tree: prune → cluster', async ({ page }) => {
  test.setTimeout(300_000);
  await openApp(page);
  await page.getByLabel('Built-in sample').selectOption('lenet-300-100');
  await expect(page.getByTestId('model-name')).toHaveText('lenet-300-100');
  await expect(page.getByTestId('dataset-name')).toHaveText('MNIST digits');
  await page.getByRole('tab', { name: 'Quantize' }).click();
  await page.getByRole('button', { name: 'Deep Compression', exact: true }).click();
  await page.getByRole('button', { name: 'Run quantize' }).click();
  // One job, with per-step progress.
  await expect(page.getByTestId('job-optimize')).toContainText('Step 1/2', { timeout: 60_000 });
  await expect(page.getByTestId('job-optimize')).toHaveCount(0, { timeout: 280_000 });
  await expect(page.getByRole('alert')).toHaveCount(0);
  // The pruned model is a node made from the sample (top level of the library); the clustered one its child.
  await expect(page.getByTestId('library-entry')).toHaveCount(2);
  await expect(page.getByTestId('storage-line')).toContainText(/used of the .* this browser allows/);
  const pruned = page.locator('[data-testid="library-entry"][data-depth="0"]');
  const clustered = page.locator('[data-testid="library-entry"][data-depth="1"]');
  await expect(pruned).toHaveCount(1);
  await expect(clustered).toHaveCount(1);
  await expect(pruned.getByTestId('library-step').first()).toContainText('magnitude');
  await expect(clustered.getByTestId('library-step')).toContainText('clustering');
  await expect(page.getByTestId('model-name')).toHaveText(/90% sparse.*16 clusters|clusters/);

  // Compare: the base and both nodes, charts with the front, and the picked ones timed together.
  await page.getByRole('tab', { name: 'Compare' }).click();
  await expect(page.getByTestId('compare-row')).toHaveCount(3);
  await expect(page.getByTestId('compare-size').getByTestId('scatter-point')).toHaveCount(3);
  await expect(page.locator('[data-testid="compare-size"] [data-front="true"]').first()).toBeVisible();
  await page.getByLabel('Pick lenet-300-100', { exact: true }).check();
  await page.getByLabel(/Pick .*16 clusters/).check();
  await page.getByRole('button', { name: 'Benchmark selected (2)' }).click();
  await expect(page.getByTestId('compare-measured').filter({ hasText: '× lenet-300-100' })).toHaveCount(2, { timeout: 60_000 });
  await expect(page.getByRole('alert')).toHaveCount(0);
});

test('a recipe built from the technique tabs runs as one job, and re-runs on another model after a reload', async ({ page }) => {
  test.setTimeout(240_000);
  await openApp(page);
  await expect(page.getByTestId('dataset-name')).toHaveText('MNIST digits');
  await page.getByRole('tab', { name: 'Quantize' }).click();
  await page.getByRole('button', { name: 'float16 — safe', exact: true }).click();
  await page.getByRole('button', { name: 'Add to recipe' }).click();
  await page.getByRole('button', { name: 'uint8 — 4× smaller', exact: true }).click();
  await page.getByRole('button', { name: 'Add to recipe' }).click();
  const tray = page.getByTestId('recipe-tray');
  await expect(tray.getByTestId('recipe-step')).toHaveCount(2);
  await tray.getByRole('button', { name: 'Remove step 2' }).click();
  await expect(tray.getByTestId('recipe-step')).toHaveCount(1);
  // The recipe outlives a reload, and runs on whichever model is open.
  await page.reload();
  await expect(page.getByTestId('model-name')).not.toBeEmpty();
  await page.getByLabel('Built-in sample').selectOption('lenet-300-100');
  await expect(page.getByTestId('model-name')).toHaveText('lenet-300-100');
  await expect(tray.getByTestId('recipe-step')).toHaveCount(1);
  await tray.getByRole('button', { name: 'Run recipe on lenet-300-100' }).click();
  await expect(page.getByTestId('job-optimize')).toHaveCount(0, { timeout: 120_000 });
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(page.getByTestId('model-name')).toHaveText(/lenet-300-100 · float16/);
});
