import { expect, type Browser, type BrowserContext, type Page } from '@playwright/test';
import type * as TF from '@tensorflow/tfjs-core';
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

/** Open the GraphModel fixture (LeNet-300-100's weights as a converted graph) through the file picker. */
export async function openGraphFixture(page: Page): Promise<void> {
  const { readFileSync } = await import('node:fs');
  const graph = 'public/samples/mlp-graph';
  await pickFiles(page, [
    { path: 'model.json', bytes: new Uint8Array(readFileSync(`${graph}/model.json`)) },
    { path: 'group1-shard1of1.bin', bytes: new Uint8Array(readFileSync(`${graph}/group1-shard1of1.bin`)) },
  ]);
  await waitForImportToFinish(page);
  await expect(page.getByTestId('model-format')).toHaveText(/GraphModel/);
}

/** Load the unlabeled image fixture as the dataset. */
export async function loadUnlabeledImages(page: Page): Promise<void> {
  const { IMAGE_FIXTURES } = await import('../src/engine/data/image-fixtures');
  await page.getByTestId('unlabeled-images-input').setInputFiles(
    IMAGE_FIXTURES.unlabeled().map((f) => ({ name: f.path.split('/').pop()!, mimeType: 'image/png', buffer: Buffer.from(f.bytes) })),
  );
  await expect(page.getByTestId('dataset-labels')).toHaveText(/none/);
}

/** Pick a preset on a technique tab, run it, and wait for the job to end without an error. */
export async function runPreset(page: Page, tab: string, preset: string, timeout = 170_000): Promise<void> {
  await page.getByRole('tab', { name: tab }).click();
  await page.getByRole('button', { name: preset, exact: true }).click();
  await page.getByRole('button', { name: `Run ${tab.toLowerCase()}` }).click();
  await expect(page.getByTestId('job-optimize')).toHaveCount(0, { timeout });
  await expect(page.getByRole('alert')).toHaveCount(0);
}

/** Replace the tab's settings through its "All settings (JSON)" box (the short budgets tests need). */
export async function setTabSettings(page: Page, technique: string, edit: (config: Record<string, unknown>) => Record<string, unknown>) {
  const panel = page.getByTestId(`${technique}-panel`);
  await panel.getByText('Options', { exact: true }).click();
  await panel.getByText('All settings (JSON)', { exact: true }).click();
  const box = panel.getByLabel('All settings as JSON');
  const config = JSON.parse(await box.inputValue()) as Record<string, unknown>;
  await box.fill(JSON.stringify(edit(config)));
  await box.blur();
  await expect(page.getByTestId('preset-description')).toHaveText(/^Custom settings[.:]/);
}

/** Exported files loaded the way a stranger would: stock TF.js on the cpu backend, nothing of Bonsai's. */
export async function stockLayersModel(files: Record<string, Uint8Array>) {
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-cpu');
  const tfl = await import('@tensorflow/tfjs-layers');
  await tf.setBackend('cpu');
  const json = JSON.parse(new TextDecoder().decode(files['model.json'])) as { modelTopology: object; weightsManifest: { paths: string[]; weights: TF.io.WeightsManifestEntry[] }[] };
  const shards = json.weightsManifest.flatMap((g) => g.paths.map((p) => files[p]));
  const data = new Uint8Array(shards.reduce((n, s) => n + s.length, 0));
  let o = 0;
  for (const s of shards) {
    data.set(s, o);
    o += s.length;
  }
  const model = await tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest.flatMap((g) => g.weights), weightData: data.buffer }));
  return { tf, model };
}

/** Parameters and output shape of exported files loaded with stock TF.js. */
export async function stockLoad(files: Record<string, Uint8Array>, inputShape: number[] = [28, 28, 1]) {
  const { tf, model } = await stockLayersModel(files);
  const params = model.countParams();
  const out = tf.tidy(() => model.predict(tf.zeros([1, ...inputShape])) as TF.Tensor);
  const shape = out.shape;
  out.dispose();
  model.dispose();
  return { params, shape };
}

/** The open model exports as a .zip that stock TF.js loads with the same parameter count and a 10-class output. */
export async function expectExportLoadsWithStockTf(page: Page): Promise<void> {
  const { readFileSync } = await import('node:fs');
  const { unzipSync } = await import('fflate');
  const params = Number((await page.getByTestId('model-params').textContent())!.replace(/,/g, ''));
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export .zip' }).click();
  const zip = unzipSync(new Uint8Array(readFileSync((await (await download).path())!)));
  const files = Object.fromEntries(Object.entries(zip).map(([k, v]) => [k.split('/').pop()!, v]));
  const loaded = await stockLoad(files);
  expect(loaded.params).toBe(params);
  expect(loaded.shape).toEqual([1, 10]);
}

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
