import { expect, test } from './csp-test';
import { importIntoEmptyBrowser, openApp, runPreset } from './helpers';

test('the author copies a link; a receiver with an empty browser sees the author’s experiment; a hostile link changes nothing', async ({ page, browser }) => {
  test.setTimeout(300_000);
  await openApp(page);
  await expect(page.getByTestId('dataset-name')).toHaveText('MNIST digits');
  await runPreset(page, 'Quantize', 'float16 — safe');
  // Back to the base: the second variant is a sibling, so the link carries a tree.
  await page.getByRole('button', { name: /Back to lenet-5/ }).click();
  await expect(page.getByTestId('model-name')).toHaveText('lenet-5');
  await runPreset(page, 'Quantize', 'uint8 — 4× smaller');
  const share = page.getByTestId('share-card');
  await share.getByRole('button', { name: 'Copy link' }).click();
  const url = await page.getByTestId('share-url').inputValue();
  expect(url).toMatch(/#x=[A-Za-z0-9_-]+$/);
  await expect(page.getByTestId('share-length')).toContainText('short enough for chat apps');
  console.log(`share link: ${url.length} characters`);

  // A fresh context: empty IndexedDB, nothing of the author's but the link.
  const receiver = await browser.newContext();
  const other = await receiver.newPage();
  await other.goto(url);
  const shared = other.getByTestId('shared-experiment');
  await expect(shared).toBeVisible();
  await expect(shared.getByRole('heading')).toHaveText('Shared experiment: lenet-5');
  await expect(shared.getByTestId('shared-row')).toHaveCount(3);
  await expect(shared.getByTestId('shared-table')).toContainText('float16');
  await expect(shared.getByTestId('shared-device')).toContainText('Measured on the author');
  await expect(shared.getByTestId('scatter-point').first()).toBeVisible();
  await expect(other.getByRole('alert')).toHaveCount(0);
  // Reproduce on this device: the same recipe gives byte-identical weights; latency is this device's own.
  await shared.getByTestId('reproduce').click();
  await expect(shared.getByTestId('reproduced-row')).toHaveCount(2, { timeout: 120_000 });
  await expect(shared.getByTestId('reproduce')).toHaveText('Reproduce on my device', { timeout: 60_000 });
  await expect(shared.getByTestId('reproduced-sha')).toHaveText(['byte-identical (same SHA-256)', 'byte-identical (same SHA-256)']);
  await expect(shared.getByTestId('theirs-vs-yours')).toContainText('on your device');
  await expect(other.getByRole('alert')).toHaveCount(0);
  await shared.getByRole('button', { name: 'Close' }).click();
  await expect(other.getByTestId('shared-experiment')).toHaveCount(0);
  expect(new URL(other.url()).hash).toBe('');
  await receiver.close();

  // The experiment file (with weights) moves the experiment to a third, empty browser.
  const { importer, context: third } = await importIntoEmptyBrowser(page, browser);
  await expect(importer.getByTestId('library-entry')).toHaveCount(2);
  await expect(importer.getByTestId('shared-experiment').getByTestId('shared-row')).toHaveCount(3);
  await expect(importer.getByRole('alert')).toHaveCount(0);
  await importer.getByTestId('library-entry').filter({ hasText: 'uint8' }).getByRole('button', { name: /^Open/ }).first().click();
  await expect(importer.getByTestId('model-name')).toHaveText(/uint8/);
  await third.close();

  // A hostile link: a readable refusal, the author's library untouched.
  const entries = await page.getByTestId('library-entry').count();
  await page.goto('/#x=' + 'A'.repeat(40) + '__proto__');
  await expect(page.getByRole('alert').first()).toContainText('This shared link cannot be read');
  await expect(page.getByTestId('shared-experiment')).toHaveCount(0);
  await expect(page.getByTestId('library-entry')).toHaveCount(entries);
});

test('a link with just a model and its latency: the receiver benchmarks their device and compares', async ({ page, browser }) => {
  test.setTimeout(180_000);
  await openApp(page);
  await page.getByLabel('Backend').selectOption('wasm');
  await expect(page.getByTestId('backend-badge')).toHaveText(/WASM/);
  // No variants yet: nothing to share until the model is benchmarked.
  await page.getByTestId('share-card').getByRole('button', { name: 'Copy link' }).click();
  await expect(page.getByTestId('share-problem')).toContainText('benchmark it');
  await page.getByRole('tab', { name: 'Benchmark' }).click();
  await page.getByLabel('Batch sizes').fill('1');
  await page.getByRole('button', { name: 'Run benchmark' }).click();
  await expect(page.getByTestId('benchmark-result')).toBeVisible({ timeout: 120_000 });
  await page.getByTestId('share-card').getByRole('button', { name: 'Copy link' }).click();
  const url = await page.getByTestId('share-url').inputValue();

  const receiver = await browser.newContext();
  const other = await receiver.newPage();
  await other.goto(url);
  await expect(other.getByTestId('backend-badge')).not.toHaveText(/Starting/);
  const shared = other.getByTestId('shared-experiment');
  await expect(shared.getByTestId('shared-row')).toHaveCount(1);
  await expect(shared.getByTestId('shared-table')).toContainText('wasm, batch 1');
  await shared.getByTestId('benchmark-my-device').click();
  await expect(shared.getByTestId('device-vs-author-row')).toHaveCount(1, { timeout: 120_000 });
  await expect(shared.getByTestId('device-vs-author-row')).toContainText(/× (slower|faster) on your device/);
  await expect(other.getByRole('alert')).toHaveCount(0);
  await receiver.close();
});
