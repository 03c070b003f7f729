import { expect, test } from './csp-test';
import { openApp, runPreset } from './helpers';

test('each technique tab says which model the run applies to, with one click back to the parent', async ({ page }) => {
  test.setTimeout(240_000);
  await openApp(page);
  await page.getByLabel('Built-in sample').selectOption('lenet-5');
  await expect(page.getByTestId('model-name')).toHaveText('lenet-5');
  await expect(page.getByTestId('dataset-name')).toHaveText('MNIST digits');

  await page.getByRole('tab', { name: 'Prune' }).click();
  const target = page.getByTestId('run-target');
  await expect(target.getByTestId('run-target-model')).toHaveText('lenet-5');
  await expect(target).toContainText('Run on: lenet-5');
  await expect(page.getByTestId('back-to-parent')).toHaveCount(0); // a sample has no parent

  await runPreset(page, 'Quantize', 'uint8 — 4× smaller');
  // The open model is now the variant: every technique tab says so before the next run.
  for (const tab of ['Quantize', 'Prune', 'Distill']) {
    await page.getByRole('tab', { name: tab }).click();
    await expect(page.getByTestId('run-target-model')).toHaveText('lenet-5 · uint8 weights');
  }
  const back = page.getByRole('button', { name: 'Back to lenet-5' });
  await expect(back).toBeVisible();
  await expect(page.getByRole('button', { name: 'Run distill' })).toHaveAccessibleDescription(/Run on: lenet-5 · uint8 weights/);

  await back.click();
  await expect(page.getByTestId('model-name')).toHaveText('lenet-5');
  await expect(page.getByTestId('run-target-model')).toHaveText('lenet-5');
  await expect(page.getByTestId('back-to-parent')).toHaveCount(0);
  await expect(page.getByRole('alert')).toHaveCount(0);
});
