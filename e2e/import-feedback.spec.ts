import { expect, test } from './csp-test';
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

test('a visible dashed drop target, highlighted while files are dragged over the page', async ({ page }) => {
  await openApp(page);
  const target = page.getByTestId('drop-target');
  await expect(target).toBeVisible();
  await expect(target).toContainText('Drop');
  expect(await target.evaluate((el) => getComputedStyle(el).borderTopStyle)).toBe('dashed');
  await expect(target).toHaveAttribute('data-active', 'false');
  const idleBackground = await target.evaluate((el) => getComputedStyle(el).backgroundColor);

  const dragOver = () =>
    page.evaluate(() => {
      const dt = new DataTransfer();
      dt.items.add(new File(['{}'], 'model.json'));
      (window as unknown as { __dt: DataTransfer }).__dt = dt;
      const el = document.querySelector('[data-testid="drop-target"]')!;
      el.dispatchEvent(new DragEvent('dragenter', { dataTransfer: dt, bubbles: true }));
      el.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    });
  await dragOver();
  await expect(target).toHaveAttribute('data-active', 'true');
  await expect(target).toContainText('Release to open');
  // Polled: the highlight may fade in (a CSS transition), so one read right away can still see the idle colour.
  await expect.poll(() => target.evaluate((el) => getComputedStyle(el).backgroundColor)).not.toBe(idleBackground);

  // The drag leaves the window: the highlight goes.
  await page.evaluate(() => {
    const dt = (window as unknown as { __dt: DataTransfer }).__dt;
    document.querySelector('[data-testid="drop-target"]')!.dispatchEvent(new DragEvent('dragleave', { dataTransfer: dt, bubbles: true }));
  });
  await expect(target).toHaveAttribute('data-active', 'false');
});
