/**
 * The fuzz as issue 13 asks: cases load in a worker thread with a watchdog. A case that has not
 * returned after `hangMs` is a hang: the worker is terminated (the only way to stop a synchronous
 * loop), the hang is counted against that case, and a fresh worker resumes at the next case. A case
 * that takes the worker down is counted the same way, as uncaught.
 */
import { Worker } from 'node:worker_threads';
import { HANG_MS, type FuzzInputs, type FuzzReport } from './run';
import type { FuzzTarget } from './targets';

export interface WatchedOptions {
  runs: number;
  seed: number;
  backend?: 'cpu' | 'wasm';
  inputs?: FuzzInputs;
  hangMs?: number;
  /** Starting a worker (tsx compile, backend init) is not a case: it gets this long. */
  startMs?: number;
  /** Test of the watchdog only: the worker loops forever at this case. */
  stallAt?: number;
  /** Called as each case starts, with the number of cases before it. */
  onProgress?: (done: number) => void;
}

/** `target` and `soFar` are absent when the worker stopped before it started any case. */
type Outcome = { report: FuzzReport } | { stoppedAt: number; target?: FuzzTarget; soFar?: FuzzReport; kind: 'hang' | 'uncaught'; why: string };

function runWorker(opts: WatchedOptions, from: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const worker = new Worker(new URL('./worker-entry.mjs', import.meta.url), {
      workerData: { runs: opts.runs, seed: opts.seed, from, backend: opts.backend ?? 'cpu', stallAt: opts.stallAt, inputs: opts.inputs },
    });
    let current = from;
    let target: FuzzTarget | undefined;
    let soFar: FuzzReport | undefined;
    let timer: ReturnType<typeof setTimeout>;
    const settle = (outcome: Outcome) => {
      clearTimeout(timer);
      worker.removeAllListeners();
      void worker.terminate();
      resolve(outcome);
    };
    const arm = (ms: number) => {
      clearTimeout(timer);
      timer = setTimeout(() => settle({ stoppedAt: current, target, soFar, kind: 'hang', why: `no answer for ${ms} ms` }), ms);
    };
    arm(opts.startMs ?? 60_000);
    worker.on('message', (m: { type: 'case'; index: number; target: FuzzTarget; soFar: FuzzReport } | { type: 'report'; report: FuzzReport }) => {
      if (m.type === 'report') return settle({ report: m.report });
      current = m.index;
      opts.onProgress?.(m.index);
      target = m.target;
      soFar = m.soFar;
      arm(opts.hangMs ?? HANG_MS);
    });
    worker.on('error', (e: Error) => settle({ stoppedAt: current, target, soFar, kind: 'uncaught', why: `worker crashed: ${e.message}` }));
    worker.on('exit', (code) => settle({ stoppedAt: current, target, soFar, kind: 'uncaught', why: `worker exited (${code})` }));
  });
}

function add(total: FuzzReport, part: FuzzReport): void {
  total.runs += part.runs;
  total.uncaught += part.uncaught;
  total.hangs += part.hangs;
  total.leakedTensors += part.leakedTensors;
  total.prototypeChanges += part.prototypeChanges;
  total.unnamedFiles += part.unnamedFiles;
  total.unreadableRefusals += part.unreadableRefusals;
  total.slowestMs = Math.max(total.slowestMs, part.slowestMs);
  for (const [k, n] of Object.entries(part.byTarget)) total.byTarget[k] = (total.byTarget[k] ?? 0) + n;
  for (const [k, n] of Object.entries(part.outcomes)) total.outcomes[k] = (total.outcomes[k] ?? 0) + n;
  total.failures.push(...part.failures.slice(0, Math.max(0, 20 - total.failures.length)));
}

export async function runFuzzWatched(opts: WatchedOptions): Promise<FuzzReport & { workers: number }> {
  const started = performance.now();
  const total: FuzzReport = { seed: opts.seed, runs: 0, byTarget: {}, outcomes: {}, uncaught: 0, hangs: 0, leakedTensors: 0, prototypeChanges: 0, unnamedFiles: 0, unreadableRefusals: 0, failures: [], slowestMs: 0, seconds: 0 };
  let from = 0;
  let workers = 0;
  while (from < opts.runs) {
    workers++;
    const outcome = await runWorker(opts, from);
    if ('report' in outcome) {
      add(total, outcome.report);
      break;
    }
    // A worker that never started a case (tsx or the backend failed to load) is not a hang of any
    // case: counting it as one would retry — and count a hang — for every case left.
    if (!outcome.target || !outcome.soFar) throw new Error(`fuzz worker stopped before its first case (case ${outcome.stoppedAt}): ${outcome.why}`);
    // The reports so far count; the stopped case is a hang (or, when it took the worker down, an
    // uncaught error), and the next worker starts after it.
    add(total, outcome.soFar);
    const { kind, target } = outcome;
    total.runs++;
    if (kind === 'hang') total.hangs++;
    else total.uncaught++;
    total.outcomes[kind] = (total.outcomes[kind] ?? 0) + 1;
    total.byTarget[target] = (total.byTarget[target] ?? 0) + 1;
    if (total.failures.length < 20) total.failures.push({ kind, target, index: outcome.stoppedAt, detail: outcome.why });
    from = outcome.stoppedAt + 1;
  }
  total.seconds = Math.round((performance.now() - started) / 100) / 10;
  return { ...total, workers };
}
