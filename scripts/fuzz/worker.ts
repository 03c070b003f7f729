/**
 * One fuzz worker thread (scripts/fuzz/watched.ts): runs cases from `from` on, telling the parent
 * which case it starts — with the report so far — so a case that never returns can be stopped.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { useNodeBackend } from '../node-engine';
import { runFuzz, type FuzzInputs } from './run';

const { runs, seed, from, backend, stallAt, inputs } = workerData as { runs: number; seed: number; from: number; backend: 'cpu' | 'wasm'; stallAt?: number; inputs?: FuzzInputs };
await useNodeBackend(backend);
const report = await runFuzz({
  runs,
  seed,
  from,
  inputs,
  onCase: (index, input, soFar) => {
    parentPort!.postMessage({ type: 'case', index, target: input.target, soFar });
    // For the watchdog's own test only: a case that never returns (a synchronous endless loop).
    if (index === stallAt) for (;;);
  },
});
parentPort!.postMessage({ type: 'report', report });
