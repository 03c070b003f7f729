/**
 * Run fuzz cases in-process and check the promises of issue 13 for each: a refusal is a BonsaiError
 * (naming a file, for imports; with a readable message, for share links and experiment files),
 * nothing is thrown that is not one, no case runs past 10 s, the tensor count is back where it
 * was, and no built-in prototype has changed.
 */
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { BonsaiError } from '../../src/engine/errors';
import { importModelFiles } from '../../src/engine/model/import-pipeline';
import { disposeLoaded } from '../../src/engine/model/load';
import { readExperimentFile } from '../../src/share/experiment-file';
import { decodeLink } from '../../src/share/link';
import { fuzzInputs, linkFragments, type FuzzInput, type FuzzTarget } from './targets';

export const HANG_MS = 10_000;

/** 'all': every target (fuzzInputs); 'links': hostile share-link fragments only (linkFragments). */
export type FuzzInputs = 'all' | 'links';

export interface FuzzFailure {
  kind: 'uncaught' | 'hang' | 'leak' | 'prototype' | 'unnamed-file' | 'unreadable';
  target: FuzzTarget;
  index: number;
  detail: string;
}

export interface FuzzReport {
  seed: number;
  runs: number;
  byTarget: Record<string, number>;
  /** Outcome counts: "ok" or the error code. */
  outcomes: Record<string, number>;
  uncaught: number;
  hangs: number;
  leakedTensors: number;
  prototypeChanges: number;
  unnamedFiles: number;
  /** Refusals of a share link or experiment file whose message is not readable (see unreadable()). */
  unreadableRefusals: number;
  /** The first few failures, with enough to reproduce (target, index in the seeded sample). */
  failures: FuzzFailure[];
  slowestMs: number;
  seconds: number;
}

const PROTOTYPES = [Object.prototype, Array.prototype, Function.prototype, String.prototype, Number.prototype];
const snapshot = () => PROTOTYPES.map((p) => Object.getOwnPropertyNames(p).sort().join(',')).join('|') + String(({} as { polluted?: unknown }).polluted);

/**
 * Why a refusal's message is not one a person can read, or null: empty or a few characters, a
 * placeholder leaked from code (undefined, NaN, [object …]), a stack trace, or raw JSON.
 */
export function unreadable(message: string): string | null {
  const m = message.trim();
  if (m.length < 20) return 'too short';
  if (/\bundefined\b|\bNaN\b|\[object \w+\]/.test(m)) return 'a code placeholder';
  if (/\n\s+at\s/.test(m)) return 'a stack trace';
  if (/^[[{]/.test(m)) return 'raw JSON';
  return null;
}

async function runOne(input: FuzzInput): Promise<void> {
  if ('fragment' in input) {
    decodeLink(input.fragment);
    return;
  }
  if ('bytes' in input) {
    readExperimentFile(input.bytes);
    return;
  }
  disposeLoaded(await importModelFiles(input.files));
}

/**
 * Run `runs` cases drawn with `seed`. Cases are generated in batches, so memory stays flat.
 * `from` resumes the same sequence at that index (scripts/fuzz/watched.ts, after a hung case);
 * `onCase` sees each case before it runs, with the report of the cases before it.
 */
export async function runFuzz(opts: { runs: number; seed: number; from?: number; inputs?: FuzzInputs; onProgress?: (done: number) => void; onCase?: (index: number, input: FuzzInput, soFar: FuzzReport) => void }): Promise<FuzzReport> {
  const started = performance.now();
  const arb = opts.inputs === 'links' ? linkFragments() : fuzzInputs();
  const report: FuzzReport = { seed: opts.seed, runs: 0, byTarget: {}, outcomes: {}, uncaught: 0, hangs: 0, leakedTensors: 0, prototypeChanges: 0, unnamedFiles: 0, unreadableRefusals: 0, failures: [], slowestMs: 0, seconds: 0 };
  const fail = (f: FuzzFailure) => {
    if (report.failures.length < 20) report.failures.push(f);
  };
  const before = snapshot();
  const BATCH = 500;
  const from = opts.from ?? 0;
  for (let start = from - (from % BATCH); start < opts.runs; start += BATCH) {
    const batch = fc.sample(arb, { seed: opts.seed + start, numRuns: Math.min(BATCH, opts.runs - start) });
    for (const [i, input] of batch.entries()) {
      const index = start + i;
      if (index < from) continue;
      opts.onCase?.(index, input, report);
      const tensors = tf.memory().numTensors;
      const t0 = performance.now();
      let outcome = 'ok';
      try {
        await runOne(input);
      } catch (e) {
        if (e instanceof BonsaiError) {
          outcome = e.code;
          if ('files' in input && !e.file) {
            report.unnamedFiles++;
            fail({ kind: 'unnamed-file', target: input.target, index, detail: `${e.code}: ${e.message}` });
          }
          const why = 'files' in input ? null : unreadable(e.message);
          if (why) {
            report.unreadableRefusals++;
            fail({ kind: 'unreadable', target: input.target, index, detail: `${why}: ${e.code}: ${e.message}` });
          }
        } else {
          outcome = 'uncaught';
          report.uncaught++;
          fail({ kind: 'uncaught', target: input.target, index, detail: e instanceof Error ? `${e.name}: ${e.message}\n${e.stack?.split('\n').slice(1, 4).join('\n')}` : String(e) });
        }
      }
      const ms = performance.now() - t0;
      report.slowestMs = Math.max(report.slowestMs, ms);
      if (ms > HANG_MS) {
        report.hangs++;
        fail({ kind: 'hang', target: input.target, index, detail: `${Math.round(ms)} ms` });
      }
      const leaked = tf.memory().numTensors - tensors;
      if (leaked !== 0) {
        report.leakedTensors += Math.abs(leaked);
        fail({ kind: 'leak', target: input.target, index, detail: `${leaked} tensors (${outcome})` });
      }
      if (snapshot() !== before) {
        report.prototypeChanges++;
        fail({ kind: 'prototype', target: input.target, index, detail: outcome });
      }
      report.runs++;
      report.byTarget[input.target] = (report.byTarget[input.target] ?? 0) + 1;
      report.outcomes[outcome] = (report.outcomes[outcome] ?? 0) + 1;
    }
    opts.onProgress?.(report.runs);
  }
  report.seconds = Math.round((performance.now() - started) / 100) / 10;
  return report;
}

/** R3: every way a case can fail the promise. */
export function failureCount(r: FuzzReport): number {
  return r.uncaught + r.hangs + r.leakedTensors + r.prototypeChanges + r.unnamedFiles + r.unreadableRefusals;
}
