import { expect, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { openApp } from './helpers';

/**
 * Export the open experiment as a file (with weights) from `page` and import it into a third,
 * empty browser. The caller checks what arrived (`file` is the exported file), then closes `context`.
 */
export async function importIntoEmptyBrowser(page: Page, browser: Browser): Promise<{ importer: Page; context: BrowserContext; file: string }> {
  const download = page.waitForEvent('download');
  await page.getByTestId('share-card').getByRole('button', { name: 'Export experiment file' }).click();
  const file = await (await download).path();
  const context = await browser.newContext();
  const importer = await context.newPage();
  await openApp(importer);
  await expect(importer.getByTestId('library-entry')).toHaveCount(0);
  await importer.getByTestId('import-experiment').setInputFiles(file!);
  return { importer, context, file: file! };
}
