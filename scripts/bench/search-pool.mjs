import os from 'node:os';
import { readDeviceProfile } from './browser.mjs';

/**
 * N1 (informational, no target): does the search's worker pool pay on this machine? The same
 * random search (same seed, so the same candidates) runs in the built app with "workers": 1 (the
 * engine trains them) and "workers": 2 (two training workers, paused for every timing), and the
 * figure is the wall time with 1 ÷ the wall time with 2, from the click on Run search to the end
 * of the job. A first run (not counted) fills this device's latency table, so every counted run
 * finds its layers cached. Runs alternate 1, 2, 1, 2 so a drift in the host's load hits both.
 */
const SEARCH = {
  space: { maxBlocks: 2, widths: [8, 16], denseUnits: [32], maxDense: 1 },
  constraints: { maxParams: 60_000, maxGzipBytes: null, maxFlops: null, maxLatencyMs: null },
  strategy: { kind: 'random' },
  searchTrain: { epochs: 1, examples: 1024 },
  retrainTop: 1,
  finalTrain: { epochs: 1, batchSize: 64, learningRate: 0.002, optimizer: 'adam', seed: 1, maxBatchesPerEpoch: 16 },
  seed: 3,
};

async function runSearch(page, workers, candidates) {
  const panel = page.getByTestId('search-panel');
  await page.getByRole('button', { name: 'Quick look (8 candidates)', exact: true }).click();
  if (!(await panel.getByLabel('All settings as JSON').isVisible())) {
    await panel.getByText('Options', { exact: true }).click();
    await panel.getByText('All settings (JSON)', { exact: true }).click();
  }
  const box = panel.getByLabel('All settings as JSON');
  const config = JSON.parse(await box.inputValue());
  await box.fill(JSON.stringify({ ...config, ...SEARCH, budget: { candidates, minutes: null }, workers }));
  await box.blur();
  const started = Date.now();
  await page.getByRole('button', { name: 'Run search' }).click();
  await page.getByTestId('job-optimize').waitFor({ state: 'detached', timeout: 900_000 });
  const ms = Date.now() - started;
  const alerts = await page.getByRole('alert').allTextContents();
  if (alerts.length) throw new Error(`N1: the search with ${workers} worker(s) failed: ${alerts.join(' | ')}`);
  const notes = (await page.getByTestId('search-notes').textContent()) ?? '';
  const where = /Candidates trained [^;]*/.exec(notes)?.[0] ?? null;
  return { workers, ms, where };
}

export async function figureN1(browser, baseURL, { quick }) {
  const page = await browser.newPage();
  try {
    await page.goto(baseURL);
    await page.getByTestId('model-name').waitFor();
    await page.getByTestId('dataset-name').filter({ hasText: 'MNIST digits' }).waitFor({ timeout: 120_000 });
    await page.getByRole('tab', { name: 'Search' }).click();
    const candidates = quick ? 4 : 8;
    await runSearch(page, 1, candidates); // fills the latency table; not counted
    const runs = [];
    for (let round = 0; round < (quick ? 1 : 2); round++) {
      for (const workers of [1, 2]) runs.push({ ...(await runSearch(page, workers, candidates)), load1m: os.loadavg()[0] });
    }
    const total = (w) => runs.filter((r) => r.workers === w).reduce((s, r) => s + r.ms, 0);
    const value = Math.round((total(1) / total(2)) * 100) / 100;
    const device = await readDeviceProfile(page);
    return {
      id: 'N1',
      name: `search worker pool: wall time with 1 worker ÷ with 2 (${candidates} candidates + 1 retrain, ${os.cpus().length} cores)`,
      value,
      unit: '×',
      target: 'informational',
      anchor: '—',
      // No target: the figure says whether a pool pays here (> 1) or not (≤ 1). Not a pass: the table reads 'info'.
      informational: true,
      pass: null,
      detail: {
        pays: value > 1.05 ? 'yes' : value < 0.95 ? 'no — slower' : 'no measurable difference',
        runs,
        hardwareConcurrency: device.hardwareConcurrency,
        backend: device.backend,
        wasm: device.wasm,
        cores: os.cpus().length,
        quick,
      },
    };
  } finally {
    await page.close();
  }
}
