import type { Page } from '@playwright/test';
import { expect, test } from './csp-test';
import { importIntoEmptyBrowser, openApp } from './helpers';

async function useWasm(page: Page): Promise<void> {
  await page.getByLabel('Backend').selectOption('wasm');
  await expect(page.getByTestId('backend-badge')).toHaveText(/WASM/);
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
}

/**
 * The "Done means": the Deep Compression recipe (with a short fine-tune so it runs quickly)
 * on a sample, shared by link to an empty browser that reproduces it byte for byte on wasm, kept
 * across reloads, and moved with its weights to a third browser as an experiment file.
 */
test('Deep Compression shared by link: the receiver sees the author’s charts, reproduces with equal SHA-256 on wasm; experiments survive reloads and move by file', async ({ page, browser }) => {
  test.setTimeout(600_000);
  const t0 = Date.now();
  const mark = (what: string) => console.log(`${what} after ${Math.round((Date.now() - t0) / 1000)} s`);
  await openApp(page);
  await expect(page.getByTestId('dataset-name')).toHaveText('MNIST digits');
  await useWasm(page);
  // LeNet-300-100: Deep Compression's own first model, and quick to fine-tune on two shared cores.
  await page.getByLabel('Built-in sample').selectOption('lenet-300-100');
  await expect(page.getByTestId('model-name')).toHaveText('lenet-300-100');

  await page.getByRole('tab', { name: 'Quantize' }).click();
  await page.getByRole('button', { name: 'Deep Compression', exact: true }).click();
  const panel = page.getByTestId('quantize-panel');
  await panel.getByText('Recipe steps (JSON)', { exact: true }).click();
  const box = panel.getByLabel('Recipe steps as JSON');
  const steps = JSON.parse(await box.inputValue()) as { technique: string; config: { fineTune?: Record<string, unknown> } }[];
  expect(steps.map((s) => s.technique)).toEqual(['prune', 'quantize']);
  steps[0].config.fineTune = { ...steps[0].config.fineTune, epochs: 1, maxBatchesPerEpoch: 6 };
  await box.fill(JSON.stringify(steps));
  await expect(page.getByTestId('preset-description')).toContainText('(steps edited)');
  await page.getByRole('button', { name: 'Run quantize' }).click();
  await expect(page.getByTestId('job-optimize')).toContainText('Step', { timeout: 60_000 });
  await expect(page.getByTestId('job-optimize')).toHaveCount(0, { timeout: 240_000 });
  await expect(page.getByRole('alert')).toHaveCount(0);
  mark('author: recipe done');

  // The tree: pruned from the sample, clustered from the pruned one; one experiment named after the base.
  const experiments = page.getByTestId('experiments');
  await expect(experiments.getByTestId('experiment')).toHaveCount(1);
  await expect(experiments.getByTestId('experiment')).toContainText('lenet-300-100 experiment');
  await expect(experiments.getByTestId('experiment-node')).toHaveCount(2);
  await expect(page.locator('[data-testid="library-entry"][data-depth="1"]').getByTestId('library-step')).toContainText('clustering');
  // The Pareto chart.
  await page.getByRole('tab', { name: 'Compare' }).click();
  await expect(page.getByTestId('compare-row')).toHaveCount(3);
  await expect(page.getByTestId('compare-size').getByTestId('scatter-point')).toHaveCount(3);
  await expect(page.locator('[data-testid="compare-size"] [data-front="true"]').first()).toBeVisible();

  const share = page.getByTestId('share-card');
  await share.getByRole('button', { name: 'Copy link' }).click();
  const url = await page.getByTestId('share-url').inputValue();
  expect(url).toMatch(/#x=[A-Za-z0-9_-]+$/);
  await expect(page.getByTestId('share-length')).toContainText('short enough for chat apps');
  console.log(`Deep Compression share link: ${url.length} characters`);

  // The receiver: a fresh context, empty IndexedDB. The author's charts show from the link alone.
  const receiver = await browser.newContext();
  const other = await receiver.newPage();
  await other.goto(url);
  const shared = other.getByTestId('shared-experiment');
  await expect(shared.getByRole('heading')).toHaveText('Shared experiment: lenet-300-100');
  await expect(shared.getByTestId('shared-row')).toHaveCount(3);
  await expect(shared.getByTestId('shared-scatter').getByTestId('scatter-point')).toHaveCount(2);
  await expect(shared.getByTestId('shared-scatter').getByTestId('scatter-reference')).toHaveCount(1);
  await expect(shared.getByTestId('shared-table')).toContainText('clustering');
  await expect(shared.getByTestId('shared-device')).toContainText('wasm');
  await expect(other.getByTestId('library-entry')).toHaveCount(0);
  await useWasm(other);
  // The restarted engine reopens the sample and the digits: reproduce once both are back.
  await expect(other.getByTestId('model-name')).not.toBeEmpty();
  await expect(other.getByTestId('dataset-name')).toHaveText('MNIST digits');
  await shared.getByTestId('reproduce').click();
  await expect(shared.getByTestId('reproduced-row')).toHaveCount(2, { timeout: 300_000 });
  await expect(shared.getByTestId('reproduce')).toHaveText('Reproduce on my device', { timeout: 60_000 });
  mark('receiver: reproduced');
  await expect(shared.getByTestId('reproduced-sha')).toHaveText(['byte-identical (same SHA-256)', 'byte-identical (same SHA-256)']);
  await expect(shared.getByTestId('theirs-vs-yours')).toContainText('on your device');
  await expect(other.getByRole('alert')).toHaveCount(0);
  // The receiver's reproduction is an experiment of its own, kept across a reload.
  await other.reload();
  await expect(other.getByTestId('experiments').getByTestId('experiment')).toContainText('2 variants');
  await expect(other.getByTestId('library-entry')).toHaveCount(2);
  await receiver.close();

  // The author's experiment survives a reload too.
  await page.reload();
  await expect(page.getByTestId('model-name')).not.toBeEmpty();
  await expect(experiments.getByTestId('experiment')).toContainText('lenet-300-100 experiment');
  await expect(experiments.getByTestId('experiment')).toContainText('2 variants');

  // The experiment file (with weights) imports in a third, empty browser as an experiment.
  const { importer, context: third } = await importIntoEmptyBrowser(page, browser);
  await expect(importer.getByTestId('library-entry')).toHaveCount(2);
  await expect(importer.getByTestId('shared-experiment').getByTestId('shared-row')).toHaveCount(3);
  await expect(importer.getByTestId('experiments').getByTestId('experiment')).toContainText('2 variants');
  await expect(importer.getByRole('alert')).toHaveCount(0);
  await third.close();
});

test('the benchmark’s long Deep Compression recipe shows its measured figure and its settings, ready to run or edit', async ({ page }) => {
  await openApp(page);
  await page.getByLabel('Built-in sample').selectOption('lenet-300-100');
  await expect(page.getByTestId('model-name')).toHaveText('lenet-300-100');
  await page.getByRole('tab', { name: 'Quantize' }).click();
  await page.getByRole('button', { name: 'Deep Compression, long fine-tune', exact: true }).click();
  await expect(page.getByTestId('preset-description')).toContainText('55.7× smaller at 0.28 pt test loss');
  const panel = page.getByTestId('quantize-panel');
  await panel.getByText('Recipe steps (JSON)', { exact: true }).click();
  const steps = JSON.parse(await panel.getByLabel('Recipe steps as JSON').inputValue()) as { technique: string; config: Record<string, unknown> }[];
  expect(steps.map((s) => s.technique)).toEqual(['prune', 'quantize']);
  expect(steps[0].config).toMatchObject({ method: 'magnitude', sparsity: 0.96, fineTune: { epochs: 60, learningRate: 0.002, lrSchedule: 'cosine', augment: 'shift' } });
  expect(steps[1].config).toMatchObject({ method: 'cluster', k: 8 });
  await expect(page.getByRole('button', { name: 'Run quantize' })).toBeEnabled();
});
