import { expect, test, type Page } from './csp-test';
import { expectExportLoadsWithStockTf, loadUnlabeledImages, openApp, openGraphFixture, setTabSettings } from './helpers';

const setSettings = (page: Page, edit: (config: Record<string, unknown>) => Record<string, unknown>) => setTabSettings(page, 'distill', edit);

test('the teacher sample distils into a ≥10× smaller student, against its scratch baseline; the export loads with stock TF.js', async ({ page }) => {
  test.setTimeout(420_000);
  await openApp(page);
  await page.getByLabel('Built-in sample').selectOption('teacher-cnn');
  await expect(page.getByTestId('model-name')).toHaveText('teacher-cnn');
  await expect(page.getByTestId('dataset-name')).toHaveText('MNIST digits');
  const teacherParams = Number((await page.getByTestId('model-params').textContent())!.replace(/,/g, ''));

  await page.getByRole('tab', { name: 'Distill' }).click();
  await page.getByRole('button', { name: 'Width ÷4 student', exact: true }).click();
  await page.getByTestId('distill-panel').getByText('Options', { exact: true }).click();
  // The student builder says how big the student is before anything trains.
  await expect(page.getByTestId('student-size')).toContainText('fewer than the teacher');
  const ratio = Number(/\(([\d.]+)× fewer/.exec((await page.getByTestId('student-size').textContent())!)![1]);
  expect(ratio).toBeGreaterThanOrEqual(10);
  await page.getByTestId('distill-panel').getByText('Options', { exact: true }).click();
  await setSettings(page, (c) => ({ ...c, augment: false, train: { ...(c.train as object), epochs: 2, maxBatchesPerEpoch: 25 } }));

  await page.getByRole('button', { name: 'Run distill' }).click();
  // One live chart shows both runs and the teacher's line.
  const chart = page.getByTestId('training-chart');
  await expect(chart).toBeVisible({ timeout: 120_000 });
  await expect(chart.getByTestId('training-chart-x')).toHaveText('epoch →', { timeout: 120_000 });
  await expect(page.getByTestId('job-optimize')).toHaveCount(0, { timeout: 360_000 });
  await expect(page.getByRole('alert')).toHaveCount(0);

  await expect(page.getByTestId('model-name')).toHaveText(/student · distilled from/);
  const result = page.getByTestId('distill-result');
  await expect(result).toBeVisible();
  await expect(result.getByTestId('gap-closed')).toContainText('Gap closed');
  await expect(result.getByTestId('scratch-accuracy')).toHaveText(/%$/);
  await expect(result.getByTestId('distilled-accuracy')).toHaveText(/%$/);
  await expect(page.getByTestId('variant-card').getByTestId('variant-latency').first()).toContainText('×');
  // Both students are in the library, under the teacher.
  await expect(page.getByTestId('library-entry')).toHaveCount(2);
  await expect(page.getByTestId('library-step').filter({ hasText: 'scratch baseline' })).toHaveCount(1);

  const studentParams = Number((await page.getByTestId('model-params').textContent())!.replace(/,/g, ''));
  expect(teacherParams / studentParams).toBeGreaterThanOrEqual(10);

  await expectExportLoadsWithStockTf(page);
});

test('a dropped GraphModel teaches a student from unlabeled images (α = 0, no baseline)', async ({ page }) => {
  test.setTimeout(240_000);
  await openApp(page);
  await openGraphFixture(page);
  await loadUnlabeledImages(page);

  await page.getByRole('tab', { name: 'Distill' }).click();
  // A GraphModel cannot be narrowed into a student: those presets say why and are disabled.
  await expect(page.getByRole('button', { name: 'Width ÷4 student', exact: true })).toBeDisabled();
  await page.getByRole('button', { name: 'MLP student', exact: true }).click();
  await setSettings(page, (c) => ({ ...c, alpha: 0, baseline: false, augment: false, train: { ...(c.train as object), epochs: 2 } }));
  await page.getByRole('button', { name: 'Run distill' }).click();
  await expect(page.getByTestId('job-optimize')).toHaveCount(0, { timeout: 200_000 });
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(page.getByTestId('model-name')).toHaveText(/student · distilled from/);
  await expect(page.getByTestId('model-format')).toHaveText('LayersModel');
  const card = page.getByTestId('variant-card');
  await expect(card.getByTestId('variant-notes')).toContainText(/baseline/i);
  await expect(card.getByTestId('variant-fidelity')).toContainText('agree');
  await expect(page.getByTestId('gap-closed')).toContainText('not measurable here');
});
