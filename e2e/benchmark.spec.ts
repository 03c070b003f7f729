import { expect, test } from './csp-test';
import { openApp } from './helpers';

test('benchmarks on wasm with figures, device profile and threads support', async ({ page }) => {
  await openApp(page);
  await page.getByLabel('Backend').selectOption('wasm');
  await expect(page.getByTestId('backend-badge')).toHaveText(/WASM/);
  await page.getByRole('tab', { name: 'Benchmark' }).click();
  await page.getByLabel('Batch sizes').fill('1, 8');
  await page.getByRole('button', { name: 'Run benchmark' }).click();
  const result = page.getByTestId('benchmark-result');
  await expect(result).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId('latency-row')).toHaveCount(2);
  await expect(page.getByTestId('latency-chart')).toBeVisible();
  const medians = await page.getByTestId('latency-median').allTextContents();
  for (const m of medians) expect(m).toMatch(/\d/);
  const profile = result.getByTestId('device-profile');
  await expect(profile.getByTestId('profile-backend')).toHaveText('wasm');
  await expect(profile.getByTestId('profile-coi')).toHaveText('true');
  await expect(profile.getByTestId('profile-wasm')).toHaveText(/threads yes/);
  await expect(profile.getByTestId('profile-wasm')).toHaveText(/threaded-simd/);
  await expect(result.getByTestId('agreement').locator('li[data-backend="wasm"]')).toHaveAttribute('data-ok', 'true');
});

test('Cancel stops a running benchmark without an error', async ({ page }) => {
  await openApp(page);
  await page.getByRole('tab', { name: 'Benchmark' }).click();
  await page.getByRole('checkbox', { name: 'CPU (slow)' }).check();
  await page.getByLabel('Batch sizes').fill('256, 512');
  await page.getByLabel('Timed samples').fill('200');
  await page.getByRole('button', { name: 'Run benchmark' }).click();
  const job = page.getByTestId('job-benchmark');
  await expect(job).toBeVisible();
  await job.getByRole('button', { name: 'Cancel' }).click();
  await expect(job).toHaveCount(0);
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(page.getByTestId('benchmark-result')).toHaveCount(0);
  // The engine still works after a cancel.
  await page.getByRole('checkbox', { name: 'CPU (slow)' }).uncheck();
  await page.getByLabel('Batch sizes').fill('1');
  await page.getByLabel('Timed samples').fill('30');
  await page.getByRole('button', { name: 'Run benchmark' }).click();
  await expect(page.getByTestId('benchmark-result')).toBeVisible({ timeout: 120_000 });
});

test('WebGPU (SwiftShader here) computes the same outputs as CPU', async ({ page }) => {
  await openApp(page);
  await page.getByRole('tab', { name: 'Benchmark' }).click();
  // Debian Chromium with --enable-unsafe-webgpu offers SwiftShader's fallback adapter on these machines.
  await page.getByRole('checkbox', { name: 'WebGPU' }).check();
  await page.getByRole('checkbox', { name: 'WASM' }).uncheck();
  await page.getByLabel('Batch sizes').fill('1');
  await page.getByRole('button', { name: 'Run benchmark' }).click();
  const result = page.getByTestId('benchmark-result');
  await expect(result).toBeVisible({ timeout: 180_000 });
  await expect(result.getByTestId('profile-backend')).toHaveText('webgpu');
  await expect(result.getByTestId('agreement').locator('li[data-backend="webgpu"]')).toHaveAttribute('data-ok', 'true');
});

test('the run is estimated before it starts, with a warning for a software WebGPU adapter and slow cells', async ({ page }) => {
  await openApp(page);
  await page.getByRole('tab', { name: 'Benchmark' }).click();
  const estimate = page.getByTestId('benchmark-estimate');
  await expect(page.getByTestId('benchmark-estimate-total')).toHaveText(/≈ (< 1 s|\d+ (s|min))/);
  await expect(estimate).toContainText('2 cells');
  await expect(page.getByTestId('benchmark-warning').filter({ hasText: /software adapter/ })).toHaveCount(0);
  // Debian Chromium offers SwiftShader's fallback adapter here: ticking WebGPU at batch 512 warns twice.
  await page.getByRole('checkbox', { name: 'WebGPU' }).check();
  await page.getByLabel('Batch sizes').fill('1, 512');
  await expect(estimate).toContainText('4 cells');
  await expect(page.getByTestId('benchmark-warning').filter({ hasText: /software adapter/ })).toBeVisible();
  await expect(page.getByTestId('benchmark-warning').filter({ hasText: /Slow: .*webgpu · batch 512/ })).toBeVisible();
});

test('a cell over its time budget takes fewer samples and says so in its row', async ({ page }) => {
  await openApp(page);
  await page.getByRole('tab', { name: 'Benchmark' }).click();
  await page.getByRole('checkbox', { name: 'WASM' }).uncheck();
  await page.getByRole('checkbox', { name: 'CPU (slow)' }).check();
  await page.getByLabel('Batch sizes').fill('256');
  await page.getByLabel('Timed samples').fill('200');
  await page.getByLabel('Time budget per cell (s)').fill('1');
  await page.getByRole('button', { name: 'Run benchmark' }).click();
  const row = page.getByTestId('latency-row');
  await expect(row).toHaveCount(1, { timeout: 120_000 });
  await expect(row).toHaveAttribute('data-status', 'budget');
  await expect(row.getByTestId('latency-samples')).toHaveText(/^\d+ of 200 \(time budget 1 s\) × \d+$/);
});

test('Cancel keeps the rows that finished and marks the rest cancelled', async ({ page }) => {
  await openApp(page);
  await page.getByRole('tab', { name: 'Benchmark' }).click();
  await page.getByRole('checkbox', { name: 'CPU (slow)' }).check();
  await page.getByLabel('Batch sizes').fill('1, 256');
  await page.getByLabel('Time budget per cell (s)').fill('30');
  await page.getByRole('button', { name: 'Run benchmark' }).click();
  const job = page.getByTestId('job-benchmark');
  // The WASM cells finish; cancel while the CPU backend is being timed.
  await expect(job).toContainText(/Timing cpu/, { timeout: 120_000 });
  await expect(job).toContainText(/left/);
  await job.getByRole('button', { name: 'Cancel' }).click();
  await expect(job).toHaveCount(0);
  await expect(page.getByRole('alert')).toHaveCount(0);
  // Both WASM cells finished; the cancel lands during the CPU cells — before or after the first of
  // them finishes, depending on the machine — so 2 or 3 of the 4 are kept.
  await expect(page.getByTestId('benchmark-cancelled')).toContainText(/Cancelled: [23] of 4 cells finished/);
  const kept = Number(/Cancelled: (\d) of 4/.exec((await page.getByTestId('benchmark-cancelled').textContent())!)![1]);
  await expect(page.locator('[data-testid="latency-row"][data-backend="wasm"]:not([data-status="cancelled"])')).toHaveCount(2);
  const cancelled = page.locator('[data-testid="latency-row"][data-status="cancelled"]');
  await expect(cancelled).toHaveCount(4 - kept);
  await expect(cancelled.first()).toContainText('cancelled');
  for (const row of await cancelled.all()) await expect(row).toHaveAttribute('data-backend', 'cpu');
});
