/**
 * Compare two models' latency the way BENCHMARKS.md asks: in one run, interleaved A B A B …, and
 * quote the ratio — never two absolute times from different runs. The ratio is the median of the
 * per-pair ratios, so a drift in machine load affects both sides of each pair alike.
 */
import type { LoadedModel } from '../model/loaded';
import { checkpoint } from '../runtime/yield';
import { inferenceRunner, MAX_K, MIN_SAMPLES, percentile } from './latency';

export interface InterleavedResult {
  batchSize: number;
  /** Warm median per inference of each model, from the same interleaved run. */
  aMedianMs: number;
  bMedianMs: number;
  /** median over pairs of (B sample ÷ A sample): below 1 means B is faster. */
  ratio: number;
  samples: number;
}

export interface InterleavedOptions {
  batchSize: number;
  samples?: number;
  warmupRuns?: number;
  minSampleMs?: number;
  allowFewSamples?: boolean;
  now?: () => number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export async function measureInterleavedRuns(
  a: () => Promise<void>,
  b: () => Promise<void>,
  opts: Omit<InterleavedOptions, 'batchSize'>,
): Promise<Omit<InterleavedResult, 'batchSize'>> {
  const now = opts.now ?? (() => performance.now());
  const requested = Math.floor(opts.samples ?? MIN_SAMPLES);
  const samples = opts.allowFewSamples ? Math.max(1, requested) : Math.max(MIN_SAMPLES, requested);
  const warmupRuns = Math.max(0, Math.floor(opts.warmupRuns ?? 10));
  const minSampleMs = opts.minSampleMs ?? 2;
  const time = async (run: () => Promise<void>, k: number) => {
    const start = now();
    for (let i = 0; i < k; i++) await run();
    return now() - start;
  };
  for (let i = 0; i < warmupRuns; i++) {
    await a();
    await b();
    await checkpoint(opts.signal);
  }
  const chooseK = async (run: () => Promise<void>) => {
    let k = 1;
    while (k < MAX_K && (await time(run, k)) < minSampleMs) k *= 2;
    return k;
  };
  const kA = await chooseK(a);
  const kB = await chooseK(b);
  const aMs: number[] = [];
  const bMs: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < samples; i++) {
    const ta = (await time(a, kA)) / kA;
    const tb = (await time(b, kB)) / kB;
    aMs.push(ta);
    bMs.push(tb);
    ratios.push(tb / ta);
    opts.onProgress?.(i + 1, samples);
    await checkpoint(opts.signal);
  }
  return { aMedianMs: percentile(aMs, 50), bMedianMs: percentile(bMs, 50), ratio: percentile(ratios, 50), samples };
}

/** Interleaved latency of two loaded models on the current backend at one batch size. */
export async function measureInterleaved(a: LoadedModel, b: LoadedModel, opts: InterleavedOptions): Promise<InterleavedResult> {
  const ra = inferenceRunner(a, opts.batchSize, 'measureInterleaved');
  try {
    const rb = inferenceRunner(b, opts.batchSize, 'measureInterleaved');
    try {
      return { batchSize: opts.batchSize, ...(await measureInterleavedRuns(ra.runOnce, rb.runOnce, opts)) };
    } finally {
      rb.dispose();
    }
  } finally {
    ra.dispose();
  }
}
