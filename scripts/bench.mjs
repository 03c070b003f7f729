#!/usr/bin/env node
/**
 * `npm run bench`: builds the app, measures the BENCHMARKS.md figures implemented so far, prints
 * one table and writes bench/results.json. Timings are never asserted in tests; they live here.
 *   --quick     smaller runs (under 5 minutes)
 *   --no-build  reuse dist/
 */
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { figureF11 } from './bench/bundle-size.mjs';
import { figureF10 } from './bench/long-tasks.mjs';
import { figureF9 } from './bench/simd-figure.mjs';
import { withPreviewServer, withBrowser } from './bench/browser.mjs';

const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');

if (!args.has('--no-build')) {
  execFileSync('node_modules/.bin/vite', ['build', '--logLevel', 'warn'], { stdio: 'inherit' });
}

const figures = [];
let device = {};
let deviceNode = null;
figures.push(figureF11('dist'));

// F1–F4, F8, F12: Bonsai's engine in Node on the WASM backend (scripts/bench/engine-figures.ts).
const ENGINE_OUT = 'bench/engine-figures.json';
mkdirSync('bench', { recursive: true });
rmSync(ENGINE_OUT, { force: true });
const engineCode = await new Promise((resolve) => {
  const child = spawn('npx', ['tsx', 'scripts/bench/engine-figures.ts', ...(quick ? ['--quick'] : []), '--out', ENGINE_OUT], { stdio: 'inherit' });
  child.on('error', (e) => {
    console.error('engine figures: could not start:', e);
    resolve(-1);
  });
  child.on('exit', (code, signal) => resolve(code ?? signal));
});
if (engineCode === 0 && existsSync(ENGINE_OUT)) {
  const engine = JSON.parse(readFileSync(ENGINE_OUT, 'utf8'));
  deviceNode = engine.device;
  figures.push(...engine.figures);
  for (const e of engine.errors ?? []) console.error(`engine figure ${e.id} not produced: ${e.error}`);
  for (const e of engine.notProduced ?? []) console.error(`engine figure ${e.id} not produced: ${e.reason} (see bench/engine-figures.json)`);
} else {
  console.error(`engine figures failed (exit ${engineCode}): F1–F4, F8, F12 are absent from this run`);
}

await withPreviewServer(async (baseURL) => {
  await withBrowser(async (browser) => {
    const f10 = await figureF10(browser, baseURL, { quick });
    device = f10.device;
    figures.push(f10.figure);
    figures.push((await figureF9(browser, baseURL, { quick })).figure);
  });
});

figures.sort((a, b) => Number(a.id.slice(1)) - Number(b.id.slice(1)));
mkdirSync('bench', { recursive: true });
writeFileSync('bench/results.json', JSON.stringify({ device: deviceNode ? { ...device, node: deviceNode } : device, quick, measuredAt: new Date().toISOString(), figures }, null, 2) + '\n');

const rows = figures.map((f) => [f.id, f.name, `${f.value} ${f.unit}`, f.target, f.pass ? 'pass' : 'FAIL']);
const widths = [0, 1, 2, 3, 4].map((i) => Math.max(...rows.map((r) => String(r[i]).length), 4));
console.log('\nBonsai bench' + (quick ? ' (quick)' : '') + ` — ${device.backend ?? '?'} · ${device.userAgent ?? ''}`);
for (const r of rows) console.log(r.map((c, i) => String(c).padEnd(widths[i])).join('  '));
if (deviceNode) console.log(`Engine figures: ${deviceNode.backend} in Node ${deviceNode.node} · SIMD ${deviceNode.simd} · threads ${deviceNode.threads}`);
console.log('\nWrote bench/results.json');
