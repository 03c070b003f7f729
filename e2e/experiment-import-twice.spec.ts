import { expect, test } from './csp-test';
import { importIntoEmptyBrowser, openApp, runPreset } from './helpers';

test('an experiment file imported twice opens the experiment the first import made, with a notice; never a duplicate', async ({ page, browser }) => {
  test.setTimeout(180_000);
  await openApp(page);
  await expect(page.getByTestId('dataset-name')).toHaveText('MNIST digits');
  await runPreset(page, 'Quantize', 'float16 — safe');
  await expect(page.getByTestId('experiments').getByTestId('experiment')).toHaveCount(1);

  const { importer, context, file } = await importIntoEmptyBrowser(page, browser);
  const panel = importer.getByTestId('experiments');
  await expect(panel.getByTestId('experiment')).toHaveCount(1);
  await expect(importer.getByTestId('library-entry')).toHaveCount(1);
  await expect(panel.getByTestId('experiments-notice')).toHaveCount(0);

  await importer.getByTestId('import-experiment').setInputFiles(file);
  await expect(panel.getByTestId('experiments-notice')).toContainText('Already imported');
  await expect(panel.getByTestId('experiment')).toHaveCount(1);
  await expect(panel.getByTestId('experiment')).toHaveAttribute('aria-current', 'true');
  await expect(importer.getByTestId('library-entry')).toHaveCount(1);
  await importer.reload();
  await expect(panel.getByTestId('experiment')).toHaveCount(1);
  await expect(importer.getByRole('alert')).toHaveCount(0);
  await context.close();

  // Back into the browser that exported it: it is the author's own experiment, not a new one.
  await page.getByTestId('import-experiment').setInputFiles(file);
  await expect(page.getByTestId('experiments-notice')).toContainText('saved here as “lenet-5 experiment”');
  await expect(page.getByTestId('experiments').getByTestId('experiment')).toHaveCount(1);
  await expect(page.getByRole('alert')).toHaveCount(0);
});
