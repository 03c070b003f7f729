import { readDeviceProfile } from './browser.mjs';

/**
 * F10: main-thread long tasks (> 50 ms) while a benchmark job runs, observed by a
 * PerformanceObserver in the page from the click on Run until the result shows.
 */
export async function figureF10(browser, baseURL, { quick }) {
  const page = await browser.newPage();
  await page.addInitScript(() => {
    window.__longTasks = [];
    window.__counting = false;
    new PerformanceObserver((list) => {
      if (!window.__counting) return;
      for (const e of list.getEntries()) window.__longTasks.push(Math.round(e.duration));
    }).observe({ type: 'longtask', buffered: false });
  });
  await page.goto(baseURL);
  await page.getByTestId('model-name').waitFor();
  await page.getByRole('tab', { name: 'Benchmark' }).click();
  await page.getByLabel('Batch sizes').fill(quick ? '1' : '1, 32');
  await page.waitForTimeout(500);
  await page.evaluate(() => (window.__counting = true));
  await page.getByRole('button', { name: 'Run benchmark' }).click();
  await page.getByTestId('benchmark-result').waitFor({ timeout: 600_000 });
  await page.evaluate(() => (window.__counting = false));
  const longTasks = await page.evaluate(() => window.__longTasks);
  const device = await readDeviceProfile(page);
  const model = (await page.getByTestId('model-name').textContent())?.trim();
  await page.close();
  return {
    device,
    figure: {
      id: 'F10',
      name: 'main-thread long tasks (>50 ms) while a benchmark job runs',
      value: longTasks.length,
      unit: 'tasks',
      target: '0',
      anchor: '—',
      pass: longTasks.length === 0,
      detail: { model, durationsMs: longTasks, job: `benchmark on wasm, batch ${quick ? '1' : '1, 32'}` },
    },
  };
}
