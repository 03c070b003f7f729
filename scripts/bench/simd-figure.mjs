import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { readDeviceProfile } from './browser.mjs';

/**
 * F9: LeNet-5 inference at batch 256 on the WASM backend, in GFLOP/s and as a share of the SIMD128
 * multiply-add peak measured in the same browser.
 *
 * Inference: through the real app (sample picker → Backend: WASM → Summary's FLOPs at batch 1 →
 * Benchmark tab at batch 256, WASM only → the warm median per batch-256 inference, read-back included).
 * GFLOP/s = FLOPs(batch 1) × 256 / median.
 *
 * Peak: src/engine/metrics/simd-peak.ts itself (single source: the hand-assembled module and its
 * calibration), transpiled here with TypeScript and run in a module Worker made from a Blob in the
 * app's page — the page's CSP allows `worker-src blob:` and 'wasm-unsafe-eval', and the engine runs in
 * a worker too. Measured while the engine is idle, before and after the inference benchmark; the
 * better of the two counts (best-of, like the runs within each). Single-threaded, like TF.js's WASM
 * backend on these 2-core machines; if the app reports more WASM threads, the peak is scaled by them.
 */

const SIMD_PEAK_TS = new URL('../../src/engine/metrics/simd-peak.ts', import.meta.url);
const BATCH = 256;

/** simd-peak.ts as a module-worker script: the file transpiled, plus a message handler. */
export function simdPeakWorkerSource() {
  const { outputText } = ts.transpileModule(readFileSync(SIMD_PEAK_TS, 'utf8'), {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
  });
  return `${outputText}
self.onmessage = async (e) => {
  try { self.postMessage({ ok: true, result: await measureSimdPeak(e.data) }); }
  catch (err) { self.postMessage({ ok: false, error: String(err && err.stack || err) }); }
};
`;
}

/** Run measureSimdPeak in a Blob module worker inside `page`; resolves to its SimdPeak. */
export async function measureSimdPeakInPage(page, options = {}) {
  const reply = await page.evaluate(
    ({ source, options }) =>
      new Promise((resolve) => {
        const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
        const worker = new Worker(url, { type: 'module', name: 'simd-peak' });
        const done = (msg) => {
          worker.terminate();
          URL.revokeObjectURL(url);
          resolve(msg);
        };
        worker.onmessage = (e) => done(e.data);
        worker.onerror = (e) => done({ ok: false, error: `worker error: ${e.message || 'failed to start (CSP?)'}` });
        worker.postMessage(options);
      }),
    { source: simdPeakWorkerSource(), options },
  );
  if (!reply.ok) throw new Error(`SIMD peak microbenchmark failed: ${reply.error}`);
  return reply.result;
}

/** "21.33 ms" / "840 µs" / "1.2 s" → ms. */
function parseMs(text) {
  const m = /([\d.,]+)\s*(µs|ms|s)\b/.exec(text ?? '');
  if (!m) throw new Error(`cannot read a duration from "${text}"`);
  const v = Number(m[1].replace(/,/g, ''));
  return m[2] === 'µs' ? v / 1000 : m[2] === 's' ? v * 1000 : v;
}

export async function figureF9(browser, baseURL, { quick }) {
  const page = await browser.newPage();
  const peakRuns = quick ? 3 : 7;
  try {
    await page.goto(baseURL);
    await page.getByTestId('model-name').waitFor();
    await page.getByLabel('Built-in sample').selectOption('lenet-5');
    await page.getByTestId('model-name').filter({ hasText: 'LeNet-5' }).waitFor({ timeout: 60_000 });
    await page.getByLabel('Backend').selectOption('wasm');
    await page.getByTestId('backend-badge').filter({ hasText: 'WASM' }).waitFor({ timeout: 60_000 });

    await page.getByRole('tab', { name: 'Summary' }).click();
    const flopsText = (await page.getByTestId('total-flops').textContent()) ?? '';
    const flopsMatch = /\(([\d,]+)\)/.exec(flopsText);
    if (!flopsMatch) throw new Error(`cannot read FLOPs from "${flopsText}"`);
    const flopsPerImage = Number(flopsMatch[1].replace(/,/g, ''));

    // Peak #1, with the engine idle (model loaded, nothing running).
    const peakBefore = await measureSimdPeakInPage(page, { runs: peakRuns });

    await page.getByRole('tab', { name: 'Benchmark' }).click();
    const wasmBox = page.getByRole('checkbox', { name: 'WASM' });
    if (!(await wasmBox.isChecked())) await wasmBox.check();
    for (const other of ['WebGPU', 'CPU (slow)']) {
      const box = page.getByRole('checkbox', { name: other });
      if ((await box.count()) && (await box.isChecked())) await box.uncheck();
    }
    await page.getByLabel('Batch sizes').fill(String(BATCH));
    await page.getByLabel('Timed samples').fill(quick ? '30' : '60');
    await page.getByRole('button', { name: 'Run benchmark' }).click();
    const result = page.getByTestId('benchmark-result');
    await result.waitFor({ timeout: 600_000 });
    const row = page.getByTestId('latency-row').filter({ has: page.locator('td', { hasText: /^wasm$/ }) }).first();
    const cells = (await row.locator('td').allTextContents()).map((t) => t.trim());
    if (Number(cells[1]) !== BATCH) throw new Error(`expected a wasm row at batch ${BATCH}, got ${cells.join(' | ')}`);
    const medianMsBatch256 = parseMs(await row.getByTestId('latency-median').textContent());
    const coldMs = parseMs(cells[2]);
    const p90Ms = parseMs(cells[4]);

    // Peak #2, engine idle again.
    const peakAfter = await measureSimdPeakInPage(page, { runs: peakRuns });

    const device = await readDeviceProfile(page);
    const wasmProfile = (await result.getByTestId('profile-wasm').first().textContent())?.trim() ?? '';
    const threads = Number(/(\d+) threads?\b/.exec(wasmProfile)?.[1] ?? 1);
    const best = peakAfter.gflops >= peakBefore.gflops ? peakAfter : peakBefore;
    const gflopsPeak = best.gflops * Math.max(1, threads);
    const gflopsInference = (flopsPerImage * BATCH) / (medianMsBatch256 * 1e6);
    const share = (100 * gflopsInference) / gflopsPeak;
    const round = (x, d) => Number(x.toFixed(d));

    return {
      device,
      figure: {
        id: 'F9',
        name: 'LeNet-5 inference at batch 256, share of measured SIMD128 peak',
        value: round(share, 1),
        unit: '%',
        target: '≥ 40%',
        anchor: 'TF.js WASM on MobileNetV2 ≈ 50–60%',
        pass: share >= 40,
        detail: {
          gflopsInference: round(gflopsInference, 3),
          gflopsPeak: round(gflopsPeak, 3),
          gflopsPeakSingleThread: round(best.gflops, 3),
          medianMsBatch256,
          p90MsBatch256: p90Ms,
          coldMsBatch256: coldMs,
          samplesTimesK: cells[6],
          flopsPerImage,
          batch: BATCH,
          threads,
          wasmProfile,
          backend: device.backend,
          peak: {
            kernel: `f32x4.mul + f32x4.add (no relaxed-simd FMA), ${best.accumulators} independent v128 accumulators, unroll ${best.unroll}`,
            iterations: best.iterations,
            msBestRun: round(best.ms, 2),
            runsGflopsBefore: peakBefore.runsGflops.map((g) => round(g, 2)),
            runsGflopsAfter: peakAfter.runsGflops.map((g) => round(g, 2)),
            where: 'module Worker from a Blob in the app page (same browser), engine idle, single thread',
          },
        },
      },
    };
  } finally {
    await page.close();
  }
}
