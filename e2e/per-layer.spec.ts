import { expect, test, type Page } from '@playwright/test';
import { openApp, runPreset } from './helpers';

async function openSample(page: Page, sampleId: string) {
  await openApp(page);
  await page.getByLabel('Built-in sample').selectOption(sampleId);
  await expect(page.getByTestId('model-name')).toHaveText(sampleId);
  await expect(page.getByTestId('dataset-name')).toHaveText('MNIST digits');
}

const percents = async (page: Page, column: number) =>
  (await page.getByTestId('per-layer-table').locator(`tbody tr td:nth-child(${column})`).allTextContents()).map((t) => Number(t.replace('%', '')));

test('the per-layer table the notes point at: under the chart, every layer, sortable', async ({ page }) => {
  test.setTimeout(180_000);
  await openSample(page, 'lenet-300-100');
  await runPreset(page, 'Prune', 'One-shot 50%');
  await expect(page.getByTestId('variant-notes')).toContainText('the per-layer table shows each');
  const table = page.getByTestId('per-layer-table');
  await expect(table).toBeVisible();
  await expect(table.locator('tbody tr')).toHaveCount(3);
  const headers = await table.locator('thead th').allTextContents();
  const sparsityColumn = headers.findIndex((h) => h.startsWith('sparsity')) + 1;
  expect(sparsityColumn).toBeGreaterThan(0);
  await table.getByRole('button', { name: 'sparsity' }).click();
  await expect(table.locator('thead th').nth(sparsityColumn - 1)).toHaveAttribute('aria-sort', 'descending');
  const desc = await percents(page, sparsityColumn);
  expect(desc).toEqual([...desc].sort((a, b) => b - a));
  await table.getByRole('button', { name: /sparsity/ }).click();
  await expect(table.locator('thead th').nth(sparsityColumn - 1)).toHaveAttribute('aria-sort', 'ascending');
  const asc = await percents(page, sparsityColumn);
  expect(asc).toEqual([...asc].sort((a, b) => a - b));
});
