import { expect, test } from '@playwright/test';
import { VALID_FIXTURES } from '../src/engine/model/bad-inputs.fixtures';
import { dropFiles, openApp, pickFiles, waitForImportToFinish } from './helpers';

test('the source line says "picked" for the Open button and "dropped" for a drop, and never breaks a word', async ({ page }) => {
  await openApp(page);
  const files = VALID_FIXTURES.sequential.files();
  await pickFiles(page, files);
  await waitForImportToFinish(page);
  const source = page.getByTestId('model-source');
  await expect(source).toHaveText(`${files.length} files picked`);

  await dropFiles(page, VALID_FIXTURES.functional.files());
  await waitForImportToFinish(page);
  await expect(source).toHaveText(/^\d+ files? dropped$/);

  // Long words wrap only when they must (overflow-wrap), never at any letter (word-break: break-all).
  const style = await source.evaluate((el) => ({ wordBreak: getComputedStyle(el).wordBreak, overflowWrap: getComputedStyle(el).overflowWrap }));
  expect(style.wordBreak).not.toBe('break-all');
  expect(style.overflowWrap).toBe('anywhere');
  // "files" and "dropped" each stay on one line: no line box starts inside a word.
  const lines = await source.evaluate((el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
  });
  expect(lines).toBe(1);
});
