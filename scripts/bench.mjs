#!/usr/bin/env node
/**
 * `npm run bench`: builds the app, measures the BENCHMARKS.md figures implemented so far, prints
 * one table and writes bench/results.json. Timings are never asserted in tests; they live here.
 *   --quick     smaller runs (under 5 minutes)
 *   --no-build  reuse dist/
 */
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { figureF11 } from './bench/bundle-size.mjs';
import { figureF10 } from './bench/long-tasks.mjs';
import { withPreviewServer, withBrowser } from './bench/browser.mjs';

const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');

if (!args.has('--no-build')) {
  execFileSync('node_modules/.bin/vite', ['build', '--logLevel', 'warn'], { stdio: 'inherit' });
}

const figures = [];
let device = {};
figures.push(figureF11('dist'));

await withPreviewServer(async (baseURL) => {
  await withBrowser(async (browser) => {
    const f10 = await figureF10(browser, baseURL, { quick });
    device = f10.device;
    figures.push(f10.figure);
  });
});

figures.sort((a, b) => Number(a.id.slice(1)) - Number(b.id.slice(1)));
mkdirSync('bench', { recursive: true });
writeFileSync('bench/results.json', JSON.stringify({ device, quick, measuredAt: new Date().toISOString(), figures }, null, 2) + '\n');

const rows = figures.map((f) => [f.id, f.name, `${f.value} ${f.unit}`, f.target, f.pass ? 'pass' : 'FAIL']);
const widths = [0, 1, 2, 3, 4].map((i) => Math.max(...rows.map((r) => String(r[i]).length), 4));
console.log('\nBonsai bench' + (quick ? ' (quick)' : '') + ` — ${device.backend ?? '?'} · ${device.userAgent ?? ''}`);
for (const r of rows) console.log(r.map((c, i) => String(c).padEnd(widths[i])).join('  '));
console.log('\nWrote bench/results.json');
void spawn;
