import { expect, test } from './csp-test';
import { expectExportLoadsWithStockTf, openApp, setTabSettings } from './helpers';

/** A search small enough for CI: 6 candidates on 256 examples each, the best retrained on 20 batches. */
const TINY = {
  space: { maxBlocks: 2, widths: [8, 16], denseUnits: [32], maxDense: 1 },
  constraints: { maxParams: 60_000, maxGzipBytes: null, maxFlops: null, maxLatencyMs: null },
  strategy: { kind: 'evolution', population: 3, sample: 2 },
  budget: { candidates: 6, minutes: null },
  searchTrain: { epochs: 1, examples: 256 },
  retrainTop: 1,
  finalTrain: { epochs: 1, batchSize: 64, learningRate: 0.002, optimizer: 'adam', seed: 1, maxBatchesPerEpoch: 20 },
};

test('a search streams candidates with the front highlighted, is cancelled, resumes after a reload, and its result saves, exports and loads with stock TF.js', async ({ page }) => {
  test.setTimeout(420_000);
  await openApp(page);
  await expect(page.getByTestId('dataset-name')).toHaveText('MNIST digits');
  await page.getByRole('tab', { name: 'Search' }).click();
  await page.getByRole('button', { name: 'Quick look (8 candidates)', exact: true }).click();
  await setTabSettings(page, 'search', (c) => ({ ...c, ...TINY }));
  // A latency cap relative to the open model (generous here: it must not reject the tiny candidates);
  // every candidate is then timed interleaved with the open model.
  await page.getByTestId('search-max-latency-vs-ref').fill('1000');

  await page.getByRole('button', { name: 'Run search' }).click();
  // Candidates arrive on the chart as they finish; the front is marked on at least one.
  const points = page.getByTestId('scatter-point');
  await expect(points.nth(1)).toBeVisible({ timeout: 180_000 });
  await expect(page.locator('[data-testid="scatter-point"][data-front="true"]').first()).toBeVisible();
  await expect(page.getByTestId('scatter-reference')).toHaveCount(1);
  await page.getByTestId('job-optimize').getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('job-optimize')).toHaveCount(0, { timeout: 30_000 });
  await expect(page.getByTestId('search-status')).toContainText('Stopped');
  const kept = await page.getByTestId('search-row').count();
  expect(kept).toBeGreaterThanOrEqual(2);
  await expect(page.getByRole('alert')).toHaveCount(0);

  // A reload keeps what finished and resumes from it.
  await page.reload();
  await expect(page.getByTestId('backend-badge')).not.toHaveText(/Starting/);
  await expect(page.getByTestId('model-name')).toHaveText('lenet-5');
  await expect(page.getByTestId('dataset-name')).toHaveText('MNIST digits');
  await page.getByRole('tab', { name: 'Search' }).click();
  await expect(page.getByTestId('search-status')).toContainText('Stopped');
  await expect(page.getByTestId('search-row')).toHaveCount(kept);
  await page.getByTestId('search-resume').click();
  await expect(page.getByTestId('job-optimize')).toHaveCount(0, { timeout: 300_000 });
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(page.getByTestId('search-status')).toContainText('Finished · ');
  // 6 search candidates + the retrained winner; none of the kept ones was trained twice.
  await expect(page.getByTestId('search-row')).toHaveCount(7);
  await expect(page.getByTestId('search-notes')).toContainText('Spearman ρ');
  await expect(page.getByTestId('model-name')).toHaveText(/searched/);
  await expect(page.getByTestId('variant-card')).toBeVisible();

  // Any candidate can be saved to the library as a variant of the model searched from.
  await page.getByRole('button', { name: 'Candidate 1: details' }).click();
  await expect(page.getByTestId('search-details')).toContainText('Validation accuracy');
  await expect(page.getByTestId('search-vs-reference')).toHaveText(/^\d+\.\d\d× — (faster|slower|same) \(its latency \d+\.\d\d× the open model’s, timed interleaved with it\)$/);
  await page.getByTestId('search-save').click();
  await expect(page.getByTestId('search-save')).toHaveText('Saved to the library', { timeout: 60_000 });
  await expect(page.getByTestId('library-entry').filter({ hasText: 'searched #1' })).toHaveCount(1);

  // The winner (the open model) exports and loads with stock TF.js.
  await expectExportLoadsWithStockTf(page);
});

test('with "workers": 2 candidates train in a pool of workers, and the notes say so', async ({ page }) => {
  test.setTimeout(300_000);
  await openApp(page);
  await expect(page.getByTestId('dataset-name')).toHaveText('MNIST digits');
  await page.getByRole('tab', { name: 'Search' }).click();
  await page.getByRole('button', { name: 'Quick look (8 candidates)', exact: true }).click();
  await setTabSettings(page, 'search', (c) => ({ ...c, ...TINY, strategy: { kind: 'random' }, budget: { candidates: 3, minutes: null }, workers: 2 }));
  await page.getByRole('button', { name: 'Run search' }).click();
  await expect(page.getByTestId('job-optimize')).toHaveCount(0, { timeout: 240_000 });
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(page.getByTestId('search-status')).toContainText('Finished · ');
  await expect(page.getByTestId('search-row')).toHaveCount(4);
  await expect(page.getByTestId('search-notes')).toContainText(/Candidates trained 2 at a time, each in its own worker \((wasm|cpu)\); every latency was timed with all training paused/);
  await expect(page.getByTestId('model-name')).toHaveText(/searched/);
});

test('a search over cuts of the open model starts each candidate from its weights, and the winner exports and loads with stock TF.js', async ({ page }) => {
  test.setTimeout(300_000);
  await openApp(page);
  await expect(page.getByTestId('model-name')).toHaveText('lenet-5');
  await page.getByRole('tab', { name: 'Search' }).click();
  await page.getByRole('button', { name: 'Faster open model (cuts)', exact: true }).click();
  await expect(page.getByTestId('search-cuts')).toHaveValue('only');
  await expect(page.getByTestId('search-cuts-hint')).toContainText('starts from the open model\'s weights');
  // Smaller for CI: 3 random cuts; the select is set again through the form.
  await setTabSettings(page, 'search', (c) => ({ ...c, ...TINY, strategy: { kind: 'random' }, budget: { candidates: 3, minutes: null }, objective: { kind: 'accuracy' } }));
  await expect(page.getByTestId('search-cuts')).toHaveValue('off');
  await page.getByTestId('search-cuts').selectOption('only');
  await page.getByRole('button', { name: 'Run search' }).click();
  await expect(page.getByTestId('job-optimize')).toHaveCount(0, { timeout: 240_000 });
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(page.getByTestId('search-status')).toContainText('Finished · ');
  const rows = page.getByTestId('search-row');
  await expect(rows).toHaveCount(4);
  for (let i = 0; i < 4; i++) await expect(rows.nth(i).locator('td.arch')).toHaveText(/^lenet-5 cut: .+ \(its weights kept\)$/);
  await expect(page.getByTestId('model-name')).toHaveText(/searched/);
  // Fine-tuned from LeNet-5's weights on 256 examples, a cut is far above chance (a fresh net is not).
  await page.getByRole('button', { name: 'Candidate 1: details' }).click();
  await expect(page.getByTestId('search-details')).toContainText('Validation accuracy');
  const val = Number((await page.getByTestId('search-details').locator('dd').first().textContent())!.replace(/%.*/, ''));
  expect(val).toBeGreaterThan(50);

  await expectExportLoadsWithStockTf(page);
});
