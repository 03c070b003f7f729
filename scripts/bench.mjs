#!/usr/bin/env node
/**
 * `npm run bench`: builds the app, measures the BENCHMARKS.md figures implemented so far, prints
 * one table and writes bench/results.json. Timings are never asserted in tests; they live here.
 *   --quick     smaller runs (under 5 minutes)
 *   --no-build  reuse dist/
 * Exits non-zero — after every figure is written and the table printed — when a figure misses its
 * target, or when a figure that should be produced is absent (it errored or could not be produced).
 */
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { figureF11 } from './bench/bundle-size.mjs';
import { figureF10 } from './bench/long-tasks.mjs';
import { figureF9 } from './bench/simd-figure.mjs';
import { figureN1 } from './bench/search-pool.mjs';
import { figureR4 } from './bench/fault-figure.mjs';
import { withPreviewServer, withBrowser } from './bench/browser.mjs';

const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');
const started = Date.now();

/** The figures this command produces; any of them absent at the end is a failure. */
const EXPECTED = ['F1', 'F2', 'F3', 'F4', 'F5', 'F6', 'F7', 'F8', 'F9', 'F10', 'F11', 'F12', 'F13', 'F14', 'N1', 'R1', 'R2', 'R3', 'R4'];
const RELIABILITY_IDS = ['R1', 'R2', 'R3'];
const ENGINE_IDS = ['F1', 'F2', 'F3', 'F4', 'F5', 'F6', 'F7', 'F8', 'F12', 'F13', 'F14'];

if (!args.has('--no-build')) {
  execFileSync('node_modules/.bin/vite', ['build', '--logLevel', 'warn'], { stdio: 'inherit' });
}

const figures = [];
/** Why an expected figure is absent: {id, reason}. */
const missing = [];
let device = {};
let deviceNode = null;

const attempt = async (ids, fn) => {
  try {
    await fn();
  } catch (e) {
    console.error(`[bench] ${ids.join(', ')} failed:`, e);
    for (const id of ids) if (!figures.some((f) => f.id === id) && !missing.some((m) => m.id === id)) missing.push({ id, reason: `error: ${e instanceof Error ? e.message : String(e)}` });
  }
};

await attempt(['F11'], async () => figures.push(figureF11('dist')));

// F1–F8, F12–F14: Bonsai's engine in Node on the WASM backend (scripts/bench/engine-figures.ts),
// in two phases. Phase 1 is the figures that time nothing (accuracy and size; F12's ≈1.0 sparse
// latency detail is an interleaved A/B ratio, so both models see the same load): two processes, one
// per core, side by side. Phase 2 is every figure that times something (F3, F6, F7, F13 interleaved
// latency, F8 and F14 throughput), alone on an otherwise idle machine.
const ENGINE_PHASES = [
  [['F2'], ['F12', 'F1', 'F5']],
  [['F4', 'F8', 'F14', 'F3', 'F13', 'F7', 'F6']],
];
if (ENGINE_PHASES.flat(2).sort().join() !== [...ENGINE_IDS].sort().join()) throw new Error('bench: ENGINE_PHASES must list every engine figure exactly once');
mkdirSync('bench', { recursive: true });

/** One engine-figures process for `ids`, writing `out`; resolves to its exit code (or signal). */
const runEngine = (ids, out) =>
  new Promise((resolve) => {
    rmSync(out, { force: true });
    const child = spawn('npx', ['tsx', 'scripts/bench/engine-figures.ts', ...(quick ? ['--quick'] : []), '--only', ids.join(','), '--out', out], { stdio: 'inherit' });
    child.on('error', (e) => {
      console.error(`engine figures ${ids.join(', ')}: could not start:`, e);
      resolve(-1);
    });
    child.on('exit', (code, signal) => resolve(code ?? signal));
  });

const engineOuts = [];
for (const [p, groups] of ENGINE_PHASES.entries()) {
  const phaseStarted = Date.now();
  const outs = groups.map((ids, g) => ({ ids, out: `bench/engine-figures-${p + 1}${String.fromCharCode(97 + g)}.json` }));
  const codes = await Promise.all(outs.map(({ ids, out }) => runEngine(ids, out)));
  console.log(`[bench] engine phase ${p + 1} (${groups.map((ids) => ids.join(',')).join(' ∥ ')}) took ${Math.round((Date.now() - phaseStarted) / 1000)} s`);
  outs.forEach((o, i) => engineOuts.push({ ...o, code: codes[i] }));
}
for (const { ids, out, code } of engineOuts) {
  if (code === 0 && existsSync(out)) {
    const engine = JSON.parse(readFileSync(out, 'utf8'));
    deviceNode = engine.device;
    figures.push(...engine.figures);
    for (const e of engine.errors ?? []) {
      console.error(`engine figure ${e.id} not produced: ${e.error}`);
      missing.push({ id: e.id, reason: `error: ${e.error}` });
    }
    for (const e of engine.notProduced ?? []) {
      console.error(`engine figure ${e.id} not produced: ${e.reason} (see ${out})`);
      missing.push({ id: e.id, reason: `not produced: ${e.reason}` });
    }
  } else {
    console.error(`engine figures failed (exit ${code}): ${ids.join(', ')} are absent from this run`);
    for (const id of ids) missing.push({ id, reason: `the engine-figures process failed (exit ${code})` });
  }
}

// R1–R3: the bad-input corpus and the fuzz, in Node (scripts/bench/reliability-figures.ts).
const RELIABILITY_OUT = 'bench/reliability-figures.json';
rmSync(RELIABILITY_OUT, { force: true });
const reliabilityCode = await new Promise((resolve) => {
  const child = spawn('npx', ['tsx', 'scripts/bench/reliability-figures.ts', ...(quick ? ['--quick'] : []), '--out', RELIABILITY_OUT], { stdio: 'inherit' });
  child.on('error', () => resolve(-1));
  child.on('exit', (code, signal) => resolve(code ?? signal));
});
if (reliabilityCode === 0 && existsSync(RELIABILITY_OUT)) figures.push(...JSON.parse(readFileSync(RELIABILITY_OUT, 'utf8')).figures);
else for (const id of RELIABILITY_IDS) missing.push({ id, reason: `the reliability-figures process failed (exit ${reliabilityCode})` });

// R4: the fault-injection e2e spec against the build; the partial writes it finds count into R3.
await attempt(['R4'], async () => {
  const { figure, partialWrites } = await figureR4();
  figures.push(figure);
  const r3 = figures.find((f) => f.id === 'R3');
  if (r3) {
    r3.value += partialWrites;
    r3.pass = r3.value === 0;
    r3.name = r3.name.replace(' + refusals', ' + partial library writes (fault spec) + refusals');
    r3.detail.partialWrites = { count: partialWrites, measuredBy: 'e2e/faults.spec.ts (IndexedDB abort, quota, blocked, page closed mid-save)' };
  }
});

await attempt(['F10', 'F9', 'N1'], () =>
  withPreviewServer(async (baseURL) => {
    await withBrowser(async (browser) => {
      await attempt(['F10'], async () => {
        const f10 = await figureF10(browser, baseURL, { quick });
        device = f10.device;
        figures.push(f10.figure);
      });
      await attempt(['F9'], async () => {
        const f9 = await figureF9(browser, baseURL, { quick });
        if (!device.backend) device = f9.device;
        figures.push(f9.figure);
      });
      await attempt(['N1'], async () => figures.push(await figureN1(browser, baseURL, { quick })));
    });
  }),
);

for (const id of EXPECTED) {
  if (!figures.some((f) => f.id === id) && !missing.some((m) => m.id === id)) missing.push({ id, reason: 'absent (no figure and no error recorded)' });
}
// F figures first, then N, then R, each by number.
const group = (id) => 'FNR'.indexOf(id[0]);
const byId = (a, b) => group(a.id) - group(b.id) || Number(a.id.slice(1)) - Number(b.id.slice(1));
figures.sort(byId);
missing.sort(byId);
const seconds = Math.round((Date.now() - started) / 1000);
mkdirSync('bench', { recursive: true });
writeFileSync(
  'bench/results.json',
  JSON.stringify({ device: deviceNode ? { ...device, node: deviceNode } : device, quick, measuredAt: new Date().toISOString(), seconds, figures, ...(missing.length ? { missing } : {}) }, null, 2) + '\n',
);

const rows = [
  // An informational figure (no target, e.g. N1) reads 'info', never 'pass'.
  ...figures.map((f) => [f.id, f.name.length > 90 ? `${f.name.slice(0, 89)}…` : f.name, `${f.value} ${f.unit}`, f.target, f.informational ? 'info' : f.pass ? 'pass' : 'FAIL']),
  ...missing.map((m) => [m.id, `(absent: ${m.reason.length > 80 ? `${m.reason.slice(0, 79)}…` : m.reason})`, '—', '', 'FAIL']),
];
const widths = [0, 1, 2, 3, 4].map((i) => Math.max(...rows.map((r) => String(r[i]).length), 4));
console.log('\nBonsai bench' + (quick ? ' (quick)' : '') + ` — ${device.backend ?? '?'} · ${device.userAgent ?? ''}`);
for (const r of rows) console.log(r.map((c, i) => String(c).padEnd(widths[i])).join('  '));
if (deviceNode) console.log(`Engine figures: ${deviceNode.backend} in Node ${deviceNode.node} · SIMD ${deviceNode.simd} · threads ${deviceNode.threads}`);
console.log(`\nWrote bench/results.json (${Math.floor(seconds / 60)} min ${seconds % 60} s)`);

const failed = figures.filter((f) => !f.informational && !f.pass).map((f) => f.id);
if (failed.length || missing.length) {
  const parts = [];
  if (failed.length) parts.push(`missed target: ${failed.join(', ')}`);
  if (missing.length) parts.push(`absent: ${missing.map((m) => m.id).join(', ')}`);
  console.error(`\nbench: ${parts.join('; ')}`);
  process.exitCode = 1;
}
process.exit(process.exitCode ?? 0);
