import { readFileSync } from 'node:fs';
import { expect, test } from './csp-test';
import { loadUnlabeledImages, openApp, openGraphFixture } from './helpers';

interface SampleIndexEntry {
  id: string;
  testAccuracy?: number;
}
const samples = JSON.parse(readFileSync('public/samples/index.json', 'utf8')) as SampleIndexEntry[];

async function openWithMnist(page: import('@playwright/test').Page) {
  await openApp(page);
  await expect(page.getByTestId('dataset-name')).toHaveText('MNIST digits');
  await expect(page.getByTestId('dataset-counts')).toHaveText('8,000 train / 2,000 test');
}

test('the sample reproduces its stated test accuracy in the browser', async ({ page }) => {
  await openWithMnist(page);
  const name = (await page.getByTestId('model-name').textContent())!.trim();
  const stated = samples.find((s) => s.id === name)?.testAccuracy;
  expect(stated).toBeGreaterThan(0.9);
  await page.getByRole('tab', { name: 'Evaluate' }).click();
  await page.getByRole('button', { name: 'Evaluate' }).click();
  const shown = page.getByTestId('eval-accuracy');
  await expect(shown).toBeVisible({ timeout: 60_000 });
  const accuracy = Number((await shown.textContent())!.replace('%', '')) / 100;
  expect(Math.abs(accuracy - stated!)).toBeLessThanOrEqual(0.001);
  await expect(page.getByTestId('confusion-matrix').locator('tbody tr')).toHaveCount(10);
  await expect(page.getByTestId('model-accuracy')).toContainText('%');
});

test('training makes a new model in the library, with a live chart; cancel leaves nothing behind', async ({ page }) => {
  test.setTimeout(180_000);
  await openWithMnist(page);
  const base = (await page.getByTestId('model-name').textContent())!.trim();
  await page.getByRole('tab', { name: 'Train' }).click();
  await page.getByLabel('Epochs').fill('40');
  await page.getByRole('button', { name: 'Train' }).click();
  const job = page.getByTestId('job-train');
  await expect(job).toBeVisible();
  await expect(page.getByTestId('training-chart')).toBeVisible();
  // The x axis says what it counts.
  await expect(page.getByTestId('training-chart-x')).toHaveText('training step →', { timeout: 30_000 });
  await job.getByRole('button', { name: 'Cancel' }).click();
  await expect(job).toHaveCount(0);
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(page.getByTestId('library-entry')).toHaveCount(0);
  await expect(page.getByTestId('model-name')).toHaveText(base);

  await page.getByLabel('Epochs').fill('1');
  await page.getByRole('button', { name: 'Train' }).click();
  await expect(page.getByTestId('model-name')).toHaveText(`${base} · trained`, { timeout: 120_000 });
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(page.getByTestId('model-parent')).toContainText(base);
  await expect(page.getByTestId('library-entry')).toHaveCount(1);
});

test('fidelity of a dropped GraphModel on dropped unlabeled images', async ({ page }) => {
  await openWithMnist(page);
  await openGraphFixture(page);
  await loadUnlabeledImages(page);
  await page.getByRole('tab', { name: 'Evaluate' }).click();
  await page.getByLabel('Fidelity reference').selectOption('sample:lenet-300-100');
  await page.getByRole('button', { name: 'Evaluate' }).click();
  // The GraphModel holds LeNet-300-100's weights: it agrees with it on every image.
  await expect(page.getByTestId('eval-agreement')).toHaveText('100.00%', { timeout: 60_000 });
  await expect(page.getByTestId('eval-accuracy')).toHaveCount(0);
});

test('a labeled image folder becomes the dataset; one class only is refused clearly', async ({ page }) => {
  const { mkdtempSync, mkdirSync, writeFileSync } = await import('node:fs');
  const { join, dirname } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const { IMAGE_FIXTURES } = await import('../src/engine/data/image-fixtures');
  const write = (files: { path: string; bytes: Uint8Array }[]) => {
    const root = mkdtempSync(join(tmpdir(), 'bonsai-images-'));
    for (const f of files) {
      mkdirSync(dirname(join(root, f.path)), { recursive: true });
      writeFileSync(join(root, f.path), f.bytes);
    }
    return root;
  };
  await openWithMnist(page);
  const labeled = IMAGE_FIXTURES.labeled();
  const classes = new Set(labeled.map((f) => f.path.split('/').slice(-2, -1)[0]));
  await page.getByTestId('labeled-images-input').setInputFiles(write(labeled));
  await expect(page.getByTestId('dataset-labels')).toHaveText(new RegExp(`^${classes.size} classes`));
  await expect(page.getByRole('alert')).toHaveCount(0);

  const oneClass = labeled.filter((f) => f.path.includes(`/${[...classes][0]}/`));
  await page.getByTestId('labeled-images-input').setInputFiles(write(oneClass));
  await expect(page.getByRole('alert')).toHaveAttribute('data-code', 'ONE_CLASS_ONLY');
  // The previous dataset is still there.
  await expect(page.getByTestId('dataset-labels')).toHaveText(new RegExp(`^${classes.size} classes`));
});
