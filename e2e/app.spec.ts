import { expect, expectCspViolation, seenCspViolations, test } from './csp-test';
import { cspViolations, openApp } from './helpers';

test('opens on a built-in sample under a strict CSP, cross-origin isolated', async ({ page }) => {
  const response = await page.request.get('/');
  const csp = response.headers()['content-security-policy'];
  expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
  expect(csp).not.toMatch(/(^|\s)'unsafe-eval'/);
  expect(response.headers()['cross-origin-embedder-policy']).toBe('require-corp');

  const watch = await openApp(page);
  await expect(page.getByTestId('model-format')).toHaveText('LayersModel');
  await expect(page.getByTestId('layer-row').first()).toBeVisible();
  await expect(page.getByTestId('summary-sha256')).toHaveText(/^[0-9a-f]{64}$/);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  // The app did all of that without tripping its own CSP…
  expect(await cspViolations(page)).toEqual([]);
  expect(watch.consoleErrors).toEqual([]);
  // …and the CSP is really enforced: an injected inline script does not run.
  expectCspViolation();
  const inlineRan = await page.evaluate(async () => {
    const s = document.createElement('script');
    s.textContent = 'window.__inlineRan = true';
    document.head.appendChild(s);
    await new Promise((r) => setTimeout(r, 50));
    return (window as unknown as { __inlineRan?: boolean }).__inlineRan === true;
  });
  expect(inlineRan).toBe(false);
  expect((await cspViolations(page)).join()).toMatch(/script-src/);
});

test('the CSP guard also sees a violation inside the engine worker (whose events never reach the page)', async ({ page }) => {
  await openApp(page);
  const engine = page.workers().find((w) => w.url().includes('engine.worker'));
  expect(engine, 'the engine worker').toBeDefined();
  expect(seenCspViolations()).toEqual([]);
  expectCspViolation();
  // The worker runs under the CSP it was served with: a plain-http origin is not in connect-src.
  // (Not eval: DevTools' evaluate is exempt from 'unsafe-eval'.)
  const fetched = await engine!.evaluate(() => fetch('http://example.invalid/model.json').then(() => true, () => false));
  expect(fetched).toBe(false);
  await expect.poll(() => seenCspViolations().join('\n')).toMatch(/connect-src http:\/\/example\.invalid.*\(in worker .*engine\.worker/);
});

test('the backend badge tells what really runs, and the profile says so', async ({ page }) => {
  await openApp(page);
  const badge = page.getByTestId('backend-badge');
  await badge.click();
  const profile = page.getByTestId('device-profile').first();
  await expect(profile.getByTestId('profile-coi')).toHaveText('true');
  await expect(profile.getByTestId('profile-backend')).toHaveText(/webgpu|wasm|cpu/);
});

test('tabs are keyboard operable', async ({ page }) => {
  await openApp(page);
  await page.getByRole('tab', { name: 'Summary' }).focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('tab', { name: 'Evaluate' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('tab', { name: 'Evaluate' })).toBeFocused();
  await page.keyboard.press('End');
  await expect(page.getByRole('tab', { name: 'Compare' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('compare-empty')).toBeVisible();
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByRole('tab', { name: 'Benchmark' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('button', { name: 'Run benchmark' })).toBeVisible();
  await page.keyboard.press('Home');
  await expect(page.getByRole('tab', { name: 'Summary' })).toHaveAttribute('aria-selected', 'true');
});
