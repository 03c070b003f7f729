import { expect, test, type Page } from './csp-test';
import { openApp, pickFiles, runPreset, waitForImportToFinish } from './helpers';

/** The fixtures the project builds itself: a seeded 3-class, 4-feature CSV and an untrained MLP over it. */
async function fixtures() {
  const { tabularCsv } = await import('../src/engine/data/csv-fixtures');
  const { tabularMlpFiles } = await import('../src/engine/test-utils/tabular-model');
  return { csv: tabularCsv(50), mlp: await tabularMlpFiles() };
}

async function pickCsv(page: Page, text: string, labelColumn?: string) {
  await page.getByTestId('csv-input').setInputFiles({ name: 'plants.csv', mimeType: 'text/csv', buffer: Buffer.from(text) });
  const picker = page.getByTestId('csv-label-picker');
  await expect(picker.getByLabel('Label column')).toHaveValue('4'); // the last column by default
  if (labelColumn) await picker.getByLabel('Label column').selectOption({ label: labelColumn });
  await picker.getByRole('button', { name: 'Load CSV' }).click();
  await expect(page.getByTestId('job-dataset')).toHaveCount(0);
}

async function fitWarningOn(page: Page, tab: string) {
  await page.getByRole('tab', { name: tab, exact: true }).click();
  return page.getByTestId('dataset-fit-warning');
}

test('a tabular MLP on a CSV: fit warnings, a clear error for a bad label column, evaluate and train one epoch', async ({ page }) => {
  test.setTimeout(150_000);
  const { csv, mlp } = await fixtures();
  await openApp(page);
  await expect(page.getByTestId('dataset-name')).toHaveText('MNIST digits');
  await pickFiles(page, mlp);
  await waitForImportToFinish(page);
  const modelName = (await page.getByTestId('model-name').textContent())!.trim();

  // MNIST does not fit the MLP: every tab that runs on the dataset says so before a run, and what to do.
  for (const tab of ['Evaluate', 'Train', 'Prune', 'Quantize', 'Distill']) {
    const warning = await fitWarningOn(page, tab);
    await expect(warning, tab).toContainText('"MNIST digits" does not fit this model');
    await expect(warning, tab).toContainText('CSV with 4 numeric feature columns');
  }
  await page.getByRole('tab', { name: 'Evaluate' }).click();
  await expect(page.getByRole('button', { name: 'Evaluate' })).toBeDisabled();

  // A label column that leaves a text column among the features: refused, naming file, line and column.
  await pickCsv(page, csv, 'length_mm');
  const alert = page.getByRole('alert');
  await expect(alert).toHaveAttribute('data-code', 'CSV_NOT_NUMERIC');
  await expect(alert).toContainText('"plants.csv" line 2, column 5 ("species")');
  await expect(page.getByTestId('dataset-name')).toHaveText('MNIST digits');

  // The label column by default (the last): it fits, the warnings go, and the error clears.
  await pickCsv(page, csv);
  await expect(page.getByTestId('dataset-name')).toHaveText('plants');
  await expect(page.getByTestId('dataset-counts')).toHaveText('120 train / 30 test');
  await expect(page.getByTestId('dataset-labels')).toHaveText('3 classes (alpha, beta, gamma)');
  await expect(page.getByTestId('dataset-features')).toContainText('4 (length_mm, width_cm, weight_g, ratio), label “species”');
  for (const tab of ['Train', 'Prune', 'Quantize', 'Distill', 'Evaluate']) await expect(await fitWarningOn(page, tab), tab).toHaveCount(0);

  await page.getByRole('button', { name: 'Evaluate' }).click();
  const accuracy = page.getByTestId('eval-accuracy');
  await expect(accuracy).toHaveText(/^\d+\.\d\d%$/, { timeout: 60_000 });
  await expect(page.getByTestId('per-class').locator('tr')).toHaveCount(3);
  await expect(page.getByRole('alert')).toHaveCount(0);

  await page.getByRole('tab', { name: 'Train' }).click();
  await page.getByLabel('Epochs').fill('1');
  await page.getByRole('button', { name: 'Train' }).click();
  await expect(page.getByTestId('model-name')).toHaveText(`${modelName} · trained`, { timeout: 90_000 });
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(page.getByTestId('model-parent')).toContainText('trained 1 epoch on plants');
});

test('Prune, Quantize and Distill run on a CSV dataset (fine-tuning and measuring on its splits)', async ({ page }) => {
  test.setTimeout(240_000);
  const { csv, mlp } = await fixtures();
  await openApp(page);
  await pickFiles(page, mlp);
  await waitForImportToFinish(page);
  await pickCsv(page, csv);
  await expect(page.getByTestId('dataset-name')).toHaveText('plants');
  for (const [tab, preset] of [['Prune', 'Gradual 90%'], ['Quantize', 'uint8 — 4× smaller'], ['Distill', 'Width ÷2 student']]) {
    await runPreset(page, tab, preset);
    await expect(page.getByTestId('dataset-fit-warning')).toHaveCount(0);
    await expect(page.getByTestId(`${tab.toLowerCase()}-panel`).getByText(/plants|30 test/).first(), tab).toBeVisible();
  }
});
