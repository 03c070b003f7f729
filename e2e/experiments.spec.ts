import type { Page } from '@playwright/test';
import { expect, test } from './csp-test';
import { openApp, runPreset } from './helpers';

const experiment = (page: Page, name: string) => page.getByTestId('experiment').filter({ has: page.getByTestId('experiment-name').getByText(name, { exact: true }) });

test('named experiments: made by the first optimization, renamed, duplicated and deleted, surviving reloads; deleting frees only unshared weights', async ({ page }) => {
  test.setTimeout(240_000);
  await openApp(page);
  await expect(page.getByTestId('dataset-name')).toHaveText('MNIST digits');
  const panel = page.getByTestId('experiments');
  await runPreset(page, 'Quantize', 'float16 — safe');
  // The first optimization on a model starts an experiment named after it; the next one joins it.
  await expect(experiment(page, 'lenet-5 experiment')).toContainText('1 variant');
  await page.getByRole('button', { name: /Back to lenet-5/ }).click();
  await expect(page.getByTestId('model-name')).toHaveText('lenet-5');
  await runPreset(page, 'Quantize', 'uint8 — 4× smaller');
  await expect(panel.getByTestId('experiment')).toHaveCount(1);
  await expect(experiment(page, 'lenet-5 experiment')).toContainText('2 variants');
  await expect(panel.getByTestId('experiment-node')).toHaveCount(2);

  // Rename from the keyboard; an empty name is refused with a reason, Escape leaves it as it was.
  await panel.getByRole('button', { name: 'Rename experiment lenet-5 experiment' }).click();
  const field = panel.getByLabel('New name for lenet-5 experiment');
  await field.fill('   ');
  await field.press('Enter');
  await expect(panel.getByTestId('experiment-error')).toContainText('the name is empty');
  await field.press('Escape');
  await expect(experiment(page, 'lenet-5 experiment')).toHaveCount(1);
  await panel.getByRole('button', { name: 'Rename experiment lenet-5 experiment' }).click();
  await field.fill('LeNet sweep');
  await field.press('Enter');
  await expect(experiment(page, 'LeNet sweep')).toHaveCount(1);
  // Focus comes back to the row, so the keyboard user carries on from there.
  await expect(panel.getByRole('button', { name: 'Rename experiment LeNet sweep' })).toBeFocused();

  // Duplicate: the copy shares the two variants and becomes the open experiment; a new variant joins only it.
  await panel.getByRole('button', { name: 'Duplicate experiment LeNet sweep' }).click();
  const copy = experiment(page, 'LeNet sweep (copy)');
  await expect(copy).toHaveAttribute('aria-current', 'true');
  await copy.getByRole('button', { name: 'lenet-5 (base)' }).click();
  await expect(page.getByTestId('model-name')).toHaveText('lenet-5');
  await runPreset(page, 'Quantize', 'Cluster 16 — smallest');
  await expect(copy).toContainText('3 variants');
  await expect(experiment(page, 'LeNet sweep')).toContainText('2 variants');
  await expect(page.getByTestId('library-entry')).toHaveCount(3);
  // Compare shows the open experiment's variants.
  await page.getByRole('tab', { name: 'Compare' }).click();
  await expect(page.getByTestId('compare-row')).toHaveCount(4);

  await page.reload();
  await expect(page.getByTestId('model-name')).not.toBeEmpty();
  await expect(panel.getByTestId('experiment')).toHaveCount(2);
  await expect(copy).toContainText('3 variants');
  await expect(experiment(page, 'LeNet sweep')).toContainText('2 variants');

  // Opening the original: its base opens and Compare shows only its variants.
  await panel.getByRole('button', { name: 'Open experiment LeNet sweep', exact: true }).click();
  await expect(experiment(page, 'LeNet sweep')).toHaveAttribute('aria-current', 'true');
  await expect(page.getByTestId('model-name')).toHaveText('lenet-5');
  await page.getByRole('tab', { name: 'Compare' }).click();
  await expect(page.getByTestId('compare-row')).toHaveCount(3);
  await expect(page.getByTestId('compare-panel')).toContainText('in the experiment “LeNet sweep”');

  // Deleting the copy frees only the variant no other experiment uses.
  await panel.getByRole('button', { name: 'Delete experiment LeNet sweep (copy)' }).click();
  await expect(copy.getByRole('group')).toContainText('1 model(s) only it uses are freed');
  await copy.getByRole('button', { name: 'Delete experiment', exact: true }).click();
  await expect(panel.getByTestId('experiments-notice')).toContainText('freed 1 model(s)');
  await expect(panel.getByTestId('experiment')).toHaveCount(1);
  await expect(page.getByTestId('library-entry')).toHaveCount(2);

  await page.reload();
  await expect(page.getByTestId('model-name')).not.toBeEmpty();
  await expect(panel.getByTestId('experiment')).toHaveCount(1);
  await expect(page.getByTestId('library-entry')).toHaveCount(2);
  // "Keep" changes nothing; deleting the last experiment frees its variants, never the sample.
  await panel.getByRole('button', { name: 'Delete experiment LeNet sweep' }).click();
  await panel.getByRole('button', { name: 'Keep' }).click();
  await expect(panel.getByTestId('experiment')).toHaveCount(1);
  await panel.getByRole('button', { name: 'Delete experiment LeNet sweep' }).click();
  await panel.getByRole('button', { name: 'Delete experiment', exact: true }).click();
  await expect(panel.getByTestId('experiment')).toHaveCount(0);
  await expect(page.getByTestId('library-entry')).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId('model-name')).toHaveText('lenet-5');
  await expect(panel.getByTestId('experiment')).toHaveCount(0);
  await expect(page.getByRole('alert')).toHaveCount(0);
});
