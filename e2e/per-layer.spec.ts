import { expect, test, type Page } from './csp-test';
import { graphModelJson, modelFiles } from '../src/engine/model/valid-models.fixtures';
import { openApp, pickFiles, runPreset, setTabSettings, waitForImportToFinish } from './helpers';

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

test('a removed share gets its own axis, never the channel-count axis', async ({ page }) => {
  test.setTimeout(180_000);
  await openSample(page, 'lenet-300-100');
  await page.getByRole('tab', { name: 'Prune' }).click();
  await setTabSettings(page, 'prune', () => ({ method: 'structured', ratio: 0.5, norm: 'l1' }));
  await page.getByRole('button', { name: 'Run prune' }).click();
  await expect(page.getByTestId('job-optimize')).toHaveCount(0, { timeout: 170_000 });
  await expect(page.getByRole('alert')).toHaveCount(0);
  const chart = page.getByTestId('per-layer-chart');
  await expect(chart).toBeVisible();
  await expect(chart.locator('.recharts-yAxis')).toHaveCount(2);
  // One axis of counts (no %), one of shares up to 100%.
  const labels = chart.locator('.recharts-yAxis-tick-labels');
  await expect(labels).toHaveCount(2);
  await expect(labels.filter({ hasText: '100%' })).toHaveCount(1);
  await expect(labels.filter({ hasNotText: '%' })).toHaveCount(1);
  // Every layer is named under its bar, cut short enough not to overlap, in full on hover.
  const ticks = chart.getByTestId('layer-tick');
  await expect(ticks).toHaveCount(3);
  for (const tick of await ticks.all()) {
    const full = (await tick.locator('title').textContent())!;
    expect(full.length).toBeGreaterThan(0);
    expect((await tick.textContent())!.replace(full, '').length).toBeLessThanOrEqual(14);
  }
});

const LONG = 'StatefulPartitionedCall/sequential_with_a_rather_long_name/dense_layer_number_one/MatMul';

/** The hand-written Dense GraphModel with the long op and weight names converters write. */
function longNamedGraph() {
  const json = graphModelJson() as { modelTopology: { node: { name: string; input?: string[] }[] }; weightsManifest: { weights: { name: string }[] }[] };
  const rename = (from: string, to: string) => {
    for (const n of json.modelTopology.node) {
      if (n.name === from) n.name = to;
      n.input = n.input?.map((i) => (i === from ? to : i));
    }
    for (const w of json.weightsManifest[0].weights) if (w.name === from) w.name = to;
  };
  rename('MatMul', LONG);
  return modelFiles(json as never);
}

test('long op names are cut with the full name on hover; wide tables scroll inside the panel', async ({ page }) => {
  test.setTimeout(180_000);
  await page.setViewportSize({ width: 1000, height: 900 });
  await openApp(page);
  await pickFiles(page, longNamedGraph());
  await waitForImportToFinish(page);
  await expect(page.getByRole('alert')).toHaveCount(0);
  const cell = page.getByTestId('layer-table').locator(`td[title="${LONG}"]`);
  await expect(cell).toBeVisible();
  expect((await cell.boundingBox())!.width).toBeLessThan(300);
  const panel = (await page.locator('.centre').boundingBox())!;
  for (const box of await page.locator('.centre .table-scroll').all()) {
    const b = (await box.boundingBox())!;
    expect(b.x + b.width).toBeLessThanOrEqual(panel.x + panel.width + 0.5);
  }
});
