import { expect, type Page } from '@playwright/test';
import type { InputFile } from '../src/engine/model/types';

export interface PageWatch {
  consoleErrors: string[];
  cspViolations: string[];
}

/** Open the app, wait for the engine and the default sample, and watch for CSP violations. */
export async function openApp(page: Page): Promise<PageWatch> {
  const watch: PageWatch = { consoleErrors: [], cspViolations: [] };
  page.on('console', (m) => {
    if (m.type() === 'error') watch.consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => watch.consoleErrors.push(String(e)));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __csp: string[] }).__csp ??= [];
      (window as unknown as { __csp: string[] }).__csp.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  await page.goto('/');
  await expect(page.getByTestId('backend-badge')).not.toHaveText(/Starting/);
  await expect(page.getByTestId('model-name')).not.toBeEmpty();
  return watch;
}

export async function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []);
}

function basename(path: string): string {
  return path.split('/').pop() ?? path;
}

/** Pick files through the real file input (paths flatten to names, as a plain multi-pick does). */
export async function pickFiles(page: Page, files: InputFile[]): Promise<void> {
  await page.getByTestId('file-input').setInputFiles(
    files.map((f) => ({ name: basename(f.path), mimeType: 'application/octet-stream', buffer: Buffer.from(f.bytes) })),
  );
}

/** Drop files onto the page with a real DataTransfer and drag events. */
export async function dropFiles(page: Page, files: InputFile[]): Promise<void> {
  const payload = files.map((f) => ({ name: basename(f.path), data: Array.from(f.bytes) }));
  await page.evaluate((items) => {
    const dt = new DataTransfer();
    for (const item of items) dt.items.add(new File([new Uint8Array(item.data)], item.name));
    window.dispatchEvent(new DragEvent('dragenter', { dataTransfer: dt, bubbles: true }));
    window.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, payload);
}

export async function waitForImportToFinish(page: Page): Promise<void> {
  await expect(page.getByTestId('job-import')).toHaveCount(0, { timeout: 60_000 });
}
