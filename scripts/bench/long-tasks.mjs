import os from 'node:os';
import { captureEngineResults, engineProgress, longTasksBetween, observeLongTasks, pageNow, readDeviceProfile } from './browser.mjs';

/**
 * F10: main-thread long tasks (> 50 ms) while a job runs, in the built app.
 *
 * The value: a real TRAINING job (Train tab, the live chart updating): a buffered PerformanceObserver
 * installed before the app starts records every long task with its start time; the figure counts
 * those whose start time falls in the window from the click on Train until the trained model shows
 * (the model name gains " · trained"). The same count for a benchmark job (Benchmark tab, from the
 * click on Run benchmark until its result shows) is the second number, in `detail`. Tasks in the
 * second after each result shows are listed too (not counted).
 */

const TAIL_MS = 1000;

async function openApp(browser, baseURL) {
  const page = await browser.newPage();
  await observeLongTasks(page);
  await captureEngineResults(page);
  await page.goto(baseURL);
  await page.getByTestId('model-name').waitFor();
  return page;
}

/** Count long tasks in [click, shown]; `tail` lists those starting in the TAIL_MS after. */
async function windowed(page, click, waitShown) {
  const from = await pageNow(page);
  await click();
  await waitShown();
  const to = await pageNow(page);
  await page.waitForTimeout(TAIL_MS);
  const tasks = await longTasksBetween(page, from, to);
  const tail = (await longTasksBetween(page, to, to + TAIL_MS)).map((t) => ({ ...t, startMs: t.startMs + Math.round(to - from) }));
  return { tasks, tail, windowMs: Math.round(to - from) };
}

async function trainingWindow(browser, baseURL, { quick }) {
  const page = await openApp(browser, baseURL);
  try {
    const model = (await page.getByTestId('model-name').textContent())?.trim();
    await page.getByRole('tab', { name: 'Train' }).click();
    const epochs = quick ? 1 : 2;
    await page.getByLabel('Epochs').fill(String(epochs));
    const train = page.getByRole('button', { name: 'Train', exact: true });
    // The button is enabled once the engine is up and MNIST (the default dataset) is loaded.
    for (let i = 0; !(await train.isEnabled()); i++) {
      if (i > 600) throw new Error('F10: the Train button never became enabled (is the MNIST dataset loading?)');
      await page.waitForTimeout(100);
    }
    const dataset = (await page.getByTestId('dataset-counts').first().textContent().catch(() => null))?.trim() ?? null;
    await page.waitForTimeout(500);
    const progressBefore = await engineProgress(page);
    let chartSeen = false;
    const w = await windowed(
      page,
      () => train.click(),
      async () => {
        await page.getByTestId('training-chart').waitFor({ timeout: 120_000 });
        chartSeen = true;
        await page.getByTestId('model-name').filter({ hasText: `${model} · trained` }).waitFor({ timeout: 900_000 });
      },
    );
    const progressAfter = await engineProgress(page);
    const device = await readDeviceProfile(page);
    return {
      device,
      model,
      ...w,
      job: `train ${model} for ${epochs} epoch${epochs > 1 ? 's' : ''} (Train tab defaults otherwise) on ${dataset ?? 'MNIST'}`,
      liveChart: { visible: chartSeen, progressMessages: progressAfter.messages - progressBefore.messages, chartPoints: progressAfter.points - progressBefore.points },
    };
  } finally {
    await page.close();
  }
}

async function benchmarkWindow(browser, baseURL, { quick }) {
  const page = await openApp(browser, baseURL);
  try {
    const model = (await page.getByTestId('model-name').textContent())?.trim();
    await page.getByRole('tab', { name: 'Benchmark' }).click();
    const batches = quick ? '1' : '1, 32';
    await page.getByLabel('Batch sizes').fill(batches);
    await page.waitForTimeout(500);
    const w = await windowed(
      page,
      () => page.getByRole('button', { name: 'Run benchmark' }).click(),
      () => page.getByTestId('benchmark-result').waitFor({ timeout: 600_000 }),
    );
    return { model, ...w, job: `benchmark ${model} on the default backend, batch ${batches}` };
  } finally {
    await page.close();
  }
}

export async function figureF10(browser, baseURL, { quick }) {
  const load = [os.loadavg()[0]];
  const train = await trainingWindow(browser, baseURL, { quick });
  load.push(os.loadavg()[0]);
  const bench = await benchmarkWindow(browser, baseURL, { quick });
  load.push(os.loadavg()[0]);
  const value = train.tasks.length;
  return {
    device: train.device,
    figure: {
      id: 'F10',
      name: 'main-thread long tasks (>50 ms) while a job runs (a training job with its live chart)',
      value,
      unit: 'tasks',
      target: '0',
      anchor: '—',
      pass: value === 0,
      detail: {
        counted: 'long tasks (PerformanceObserver "longtask", > 50 ms) whose start time falls between the click that starts the job and the moment its result shows',
        training: {
          job: train.job,
          windowMs: train.windowMs,
          longTasks: train.tasks.length,
          tasks: train.tasks,
          liveChart: train.liveChart,
          [`tasksInThe${TAIL_MS}msAfterNotCounted`]: train.tail,
        },
        benchmarkJob: {
          job: bench.job,
          windowMs: bench.windowMs,
          longTasks: bench.tasks.length,
          tasks: bench.tasks,
          [`tasksInThe${TAIL_MS}msAfterNotCounted`]: bench.tail,
        },
        hostLoadAverage1m: { cores: os.cpus().length, beforeTraining: load[0], afterTraining: load[1], afterBenchmark: load[2], note: 'the host is shared: a busy host can stretch main-thread tasks past 50 ms' },
        quick,
      },
    },
  };
}
