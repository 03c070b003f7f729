#!/usr/bin/env -S npx tsx
/**
 * The reliability figures of issue 13, for `npm run bench`:
 *   R1  bad-input corpus cases (e2e/fixtures/bad-corpus/manifest.json), target ≥ 300
 *   R2  fuzz cases run (scripts/fuzz, in a worker thread with a 10 s watchdog per case), target ≥ 10,000
 *       (--quick: 10,000; full: 100,000), plus as many hostile share-link fragments on their own
 *   R3  failures: uncaught + hangs + leaked tensors + prototype changes + refusals not naming a
 *       file + unreadable share-link/experiment-file refusals, target 0 (npm run bench adds the partial library writes e2e/faults.spec.ts finds)
 *   npx tsx scripts/bench/reliability-figures.ts [--quick] --out bench/reliability-figures.json
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readCorpusManifest } from '../bad-corpus/read';
import { failureCount, HANG_MS } from '../fuzz/run';
import { runFuzzWatched } from '../fuzz/watched';

const quick = process.argv.includes('--quick');
const outIndex = process.argv.indexOf('--out');
const out = outIndex > 0 ? process.argv[outIndex + 1] : 'bench/reliability-figures.json';

const manifest = readCorpusManifest();
const byKind = manifest.reduce<Record<string, number>>((m, c) => ({ ...m, [c.kind]: (m[c.kind] ?? 0) + 1 }), {});
const files = manifest.reduce((n, c) => n + (c.files?.length ?? 0), 0);
const runs = quick ? 10_000 : 100_000;
const report = await runFuzzWatched({ runs, seed: 13, backend: 'cpu' });
// The 10,000 hostile share-link fragments, beyond the links in the mixed run above.
const links = await runFuzzWatched({ runs, seed: 13, backend: 'cpu', inputs: 'links' });
const failures = failureCount(report) + failureCount(links);
const figures = [
  { id: 'R1', name: 'bad-input corpus cases, each with its expected error code', value: manifest.length, unit: 'cases', target: '≥ 300', anchor: '—',
    pass: manifest.length >= 300, detail: { byKind, committedFiles: files, recipes: manifest.filter((c) => c.recipe).length, test: 'scripts/bad-corpus/corpus.test.ts (cpu and wasm)' } },
  { id: 'R2', name: 'fuzz cases run (seeded mutations of model.json, manifests, shards, zips, share links, experiment files; plus hostile share-link fragments)', value: report.runs + links.runs, unit: 'cases',
    target: '≥ 10000', anchor: '—', pass: report.runs >= 10_000 && links.runs >= 10_000, detail: { seed: report.seed, byTarget: report.byTarget, hostileLinkFragments: links.runs, linkOutcomes: links.outcomes, linkSeconds: links.seconds, seconds: report.seconds, backend: 'cpu (Node worker thread)', watchdogMs: HANG_MS, workersStarted: report.workers } },
  { id: 'R3', name: 'fuzz failures: uncaught + hangs + leaked tensors + prototype changes + refusals not naming a file + unreadable link refusals', value: failures, unit: 'failures',
    target: '0', anchor: '—', pass: failures === 0, detail: { uncaught: report.uncaught + links.uncaught, hangs: report.hangs + links.hangs, leakedTensors: report.leakedTensors + links.leakedTensors,
      prototypeChanges: report.prototypeChanges + links.prototypeChanges, unnamedFiles: report.unnamedFiles, unreadableRefusals: report.unreadableRefusals + links.unreadableRefusals,
      linkFailures: links.failures, partialWrites: 'added by npm run bench from e2e/faults.spec.ts (see R4)', slowestCaseMs: Math.round(report.slowestMs), failures: report.failures, outcomes: report.outcomes } },
];
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify({ figures }, null, 2) + '\n');
for (const f of figures) console.log(`${f.id} ${f.name}: ${f.value} ${f.unit} (${f.pass ? 'pass' : 'FAIL'})`);
