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
