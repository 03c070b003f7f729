import { expect, test } from './csp-test';
import { openApp, runPreset } from './helpers';

test('variants are named from the open model and the step, never from Keras names; the zip is named after the model', async ({ page }) => {
  test.setTimeout(300_000);
  await openApp(page);
  await page.getByLabel('Built-in sample').selectOption('lenet-5');
  await expect(page.getByTestId('model-name')).toHaveText('lenet-5');
  await expect(page.getByTestId('dataset-name')).toHaveText('MNIST digits');

  await runPreset(page, 'Prune', 'Slim channels 50%');
  await expect(page.getByTestId('model-name')).toHaveText('lenet-5 · 50% filters removed');

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export .zip' }).click();
  expect((await download).suggestedFilename()).toBe('lenet-5-50-filters-removed.zip');

  await runPreset(page, 'Quantize', 'uint8 — 4× smaller');
  await expect(page.getByTestId('model-name')).toHaveText('lenet-5 · 50% filters removed · uint8 weights');
  await expect(page.getByTestId('model-name')).not.toHaveText(/sequential|model\d/);
});
