/**
 * Hosts that are not like the preview server (issue 13): one without COOP/COEP (the page is not
 * cross-origin isolated, so WASM runs on one thread) and a model on another origin without CORS.
 * COOP/COEP are removed per response with page.route; the other origin is a second local server.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from './csp-test';
import { openApp, waitForImportToFinish } from './helpers';

test('a host without COOP/COEP: the app works on one thread and says why', async ({ page, baseURL }) => {
  await page.route(`${baseURL}/**`, async (route) => {
    const response = await route.fetch();
    const headers = { ...response.headers() };
    delete headers['cross-origin-opener-policy'];
    delete headers['cross-origin-embedder-policy'];
    await route.fulfill({ response, headers });
  });
  await openApp(page);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
  await page.getByLabel('Backend').selectOption('wasm');
  const badge = page.getByTestId('backend-badge');
  await expect(badge).toHaveText(/^WASM · .* · 1 thread$/);
  await badge.click();
  await expect(page.getByTestId('profile-coi').first()).toHaveText('false');
  await expect(page.getByTestId('profile-wasm').first()).toContainText('threads no');
  await expect(page.getByTestId('profile-threads-note').first()).toContainText('not cross-origin isolated');
  await badge.click();

  // It still works: a benchmark on WASM completes, on one thread.
  await page.getByRole('tab', { name: 'Benchmark' }).click();
  await page.getByLabel('Batch sizes').fill('1');
  await page.getByLabel('Timed samples').fill('30');
  await page.getByRole('button', { name: 'Run benchmark' }).click();
  const result = page.getByTestId('benchmark-result');
  await expect(result).toBeVisible({ timeout: 120_000 });
  await expect(result.getByTestId('profile-wasm').first()).toContainText('threads no · 1 thread');
  await expect(page.getByRole('alert')).toHaveCount(0);
});

const SAMPLE = 'public/samples/lenet-300-100';
let other: Server;
let OTHER_ORIGIN = '';

// A real second origin (Playwright's route.fulfill adds CORS headers itself, so it cannot stand in):
// /no-cors/* without Access-Control-Allow-Origin, /cors/* with it; both serve LeNet-300-100's files.
test.beforeAll(async () => {
  other = createServer((req, res) => {
    const match = /^\/(no-cors|cors)\/(model\.json|group1-shard1of1\.bin)$/.exec(req.url ?? '');
    if (!match) return void res.writeHead(404).end();
    res.writeHead(200, {
      'Content-Type': match[2].endsWith('.json') ? 'application/json' : 'application/octet-stream',
      ...(match[1] === 'cors' ? { 'Access-Control-Allow-Origin': '*' } : {}),
    });
    res.end(readFileSync(`${SAMPLE}/${match[2]}`));
  });
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  OTHER_ORIGIN = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
});
test.afterAll(() => new Promise<void>((resolve) => other.close(() => resolve())));

test('a model URL on another origin without CORS gives a clear error; with CORS it loads', async ({ page }) => {
  await openApp(page);
  const before = await page.getByTestId('model-name').textContent();
  const url = page.getByLabel('URL of a hosted model.json');

  await url.fill(`${OTHER_ORIGIN}/no-cors/model.json`);
  await page.getByRole('button', { name: 'Load URL' }).click();
  const alert = page.getByTestId('error-list').getByRole('alert').first();
  await expect(alert).toHaveAttribute('data-code', 'URL_FETCH_FAILED');
  await expect(alert).toContainText(`${OTHER_ORIGIN}/no-cors/model.json`);
  await expect(alert).toContainText('CORS');
  await expect(page.getByTestId('model-name')).toHaveText(before!);
  await page.getByRole('button', { name: /^Dismiss / }).click();

  // The same files with Access-Control-Allow-Origin load: the refusal above was CORS, not the files.
  await url.fill(`${OTHER_ORIGIN}/cors/model.json`);
  await page.getByRole('button', { name: 'Load URL' }).click();
  await waitForImportToFinish(page);
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(page.getByTestId('model-params')).toHaveText('266,610');
});
