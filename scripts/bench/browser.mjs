import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

const PORT = Number(process.env.BENCH_PORT ?? 4180);

export async function withPreviewServer(fn) {
  const server = spawn('node_modules/.bin/vite', ['preview', '--host', '127.0.0.1', '--port', String(PORT), '--strictPort'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const baseURL = `http://127.0.0.1:${PORT}`;
  try {
    for (let i = 0; i < 100; i++) {
      try {
        if ((await fetch(baseURL)).ok) break;
      } catch {
        /* not up yet */
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    return await fn(baseURL);
  } finally {
    server.kill();
  }
}

export async function withBrowser(fn) {
  const executablePath = process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);
  const browser = await chromium.launch({
    executablePath,
    args: ['--enable-unsafe-webgpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  try {
    return await fn(browser);
  } finally {
    await browser.close();
  }
}

/** The device profile as the app shows it (the page's own words, not re-derived here). */
export async function readDeviceProfile(page) {
  const text = async (id) => (await page.getByTestId(id).first().textContent())?.trim();
  return {
    backend: await text('profile-backend'),
    webgpu: await text('profile-webgpu'),
    wasm: await text('profile-wasm'),
    crossOriginIsolated: (await text('profile-coi')) === 'true',
    hardwareConcurrency: await page.evaluate(() => navigator.hardwareConcurrency),
    userAgent: await page.evaluate(() => navigator.userAgent),
  };
}

/**
 * Keep a copy of every job result the engine worker posts to the page (`{type: 'result', …}`), so
 * figures read the engine's own numbers (exact latency, FLOPs) instead of the rounded text the UI
 * shows. Done by wrapping the page's Worker constructor before the app starts: the app is not
 * changed and its own `onmessage` still gets every message. Call before `page.goto`.
 */
export async function captureEngineResults(page) {
  await page.addInitScript(() => {
    window.__engineResults = [];
    window.__engineProgress = { messages: 0, points: 0 };
    const Base = window.Worker;
    window.Worker = class extends Base {
      constructor(url, options) {
        super(url, options);
        this.addEventListener('message', (e) => {
          if (e.data && e.data.type === 'result') window.__engineResults.push(e.data);
          if (e.data && e.data.type === 'progress') {
            window.__engineProgress.messages++;
            if (e.data.point) window.__engineProgress.points++;
          }
        });
      }
    };
  });
}

/** Progress messages (and those carrying a chart point) the worker has posted so far. */
export async function engineProgress(page) {
  return page.evaluate(() => ({ ...(window.__engineProgress ?? { messages: 0, points: 0 }) }));
}

/** The results captured by captureEngineResults, oldest first. */
export async function engineResults(page) {
  return page.evaluate(() => window.__engineResults ?? []);
}

/** Every object inside `value` (depth-first, `value` included) for which `test` holds. */
export function findDeep(value, test, out = [], seen = new Set()) {
  if (value === null || typeof value !== 'object' || seen.has(value)) return out;
  seen.add(value);
  if (test(value)) out.push(value);
  for (const v of Array.isArray(value) ? value : Object.values(value)) findDeep(v, test, out, seen);
  return out;
}

/**
 * Long tasks (> 50 ms) with their start times, from a buffered PerformanceObserver installed
 * before the app starts. Call before `page.goto`; read with `longTasksBetween`.
 */
export async function observeLongTasks(page) {
  await page.addInitScript(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longTasks.push({ startMs: e.startTime, durationMs: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
}

/** The page's clock (performance.now()). */
export const pageNow = (page) => page.evaluate(() => performance.now());

/** Long tasks whose start time falls in [fromMs, toMs] (page clock). */
export async function longTasksBetween(page, fromMs, toMs) {
  const all = await page.evaluate(() => window.__longTasks ?? []);
  return all.filter((t) => t.startMs >= fromMs && t.startMs <= toMs).map((t) => ({ startMs: Math.round(t.startMs - fromMs), durationMs: Math.round(t.durationMs) }));
}
