#!/usr/bin/env -S npx tsx
/**
 * `npm run fuzz`: the nightly-sized mutation fuzz of imports, share links and experiment files,
 * in a Node worker thread with a 10 s watchdog per case (scripts/fuzz/watched.ts; see
 * scripts/fuzz/run.ts for what counts as a failure). --trace runs in-process, naming each case.
 *   npx tsx scripts/fuzz.ts [--runs 100000] [--seed 13] [--backend cpu|wasm] [--out bench/fuzz.json] [--trace]
 * Prints R2 (cases run) and R3 (failures) and writes the report; exits 1 when R3 > 0.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { useNodeBackend } from './node-engine';
import { failureCount, runFuzz } from './fuzz/run';
import { runFuzzWatched } from './fuzz/watched';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const runs = Number(arg('runs', '100000'));
const seed = Number(arg('seed', '13'));
const backend = arg('backend', 'cpu') as 'cpu' | 'wasm';
const out = arg('out', 'bench/fuzz.json');

const trace = process.argv.includes('--trace');
if (trace) await useNodeBackend(backend);
const report = trace
  ? await runFuzz({ runs, seed, onCase: (i, input) => console.error(`case ${i} ${input.target}`) })
  : await runFuzzWatched({ runs, seed, backend, onProgress: (n) => { if (n > 0 && n % 5000 === 0) console.error(`fuzz: ${n} / ${runs}`); } });
const failures = failureCount(report);
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify({ backend, ...report, failuresTotal: failures }, null, 2) + '\n');
console.log(`R2 fuzz cases run: ${report.runs} (${Object.entries(report.byTarget).map(([t, n]) => `${t} ${n}`).join(', ')}) in ${report.seconds} s on ${backend}${trace ? ', in-process' : ', in a worker thread with a 10 s watchdog'}`);
console.log(`R3 failures: ${failures} (uncaught ${report.uncaught}, hangs ${report.hangs}, leaked tensors ${report.leakedTensors}, prototype changes ${report.prototypeChanges}, refusals not naming a file ${report.unnamedFiles}, unreadable link/experiment refusals ${report.unreadableRefusals}); slowest case ${Math.round(report.slowestMs)} ms`);
for (const f of report.failures) console.log(`  ${f.kind} ${f.target} #${f.index}: ${f.detail}`);
console.log(`Wrote ${out}`);
process.exit(failures > 0 ? 1 : 0);
