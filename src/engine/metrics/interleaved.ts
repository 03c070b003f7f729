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
  /** The quartiles (p25, p75) of those per-pair ratios: a band that holds 1 is within this run's noise. */
  ratioSpread: [number, number];
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

export interface InterleavedManyResult {
  /** Warm median per inference of each run, from the same interleaved rounds. */
  medianMs: number[];
  /** Median over rounds of (run i ÷ run 0): 1 for the first, below 1 = faster than the first. */
  ratio: number[];
  /** Quartiles (p25, p75) of the per-round ratios of each run to the first. */
  ratioSpread: [number, number][];
  samples: number;
}

/**
 * N runs interleaved (A B C, C B A, A B C, …) in one measurement: each round times every run once (K
 * back-to-back inferences each, one K for all runs so every sample lasts ≥ minSampleMs), so machine
 * load drifts affect all of them alike; ratios are medians of the per-round ratios to the first.
 */
export async function measureInterleavedManyRuns(runs: (() => Promise<void>)[], opts: Omit<InterleavedOptions, 'batchSize'>): Promise<InterleavedManyResult> {
  if (runs.length === 0) throw new Error('Error in measureInterleavedManyRuns: nothing to measure.');
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
    for (const run of runs) await run();
    await checkpoint(opts.signal);
  }
  // One K for every run (the largest any run needs): the first inference after switching models
  // is slower, and with a smaller K that cost weighs more per inference, so unequal Ks read as a
  // speed-up (LeNet-5 against itself at batch 1 read up to 1.4× "faster").
  let common = 1;
  for (const run of runs) {
    let k = 1;
    while (k < MAX_K && (await time(run, k)) < minSampleMs) k *= 2;
    common = Math.max(common, k);
  }
  const ks = runs.map(() => common);
  const perRun: number[][] = runs.map(() => []);
  const ratios: number[][] = runs.map(() => []);
  for (let i = 0; i < samples; i++) {
    // Every other round runs in reverse order, so no model is always timed right after the same one.
    const order = i % 2 === 0 ? [...runs.keys()] : [...runs.keys()].reverse();
    const round: number[] = new Array(runs.length);
    for (const j of order) round[j] = (await time(runs[j], ks[j])) / ks[j];
    round.forEach((t, j) => {
      perRun[j].push(t);
      ratios[j].push(t / round[0]);
    });
    opts.onProgress?.(i + 1, samples);
    await checkpoint(opts.signal);
  }
  return {
    medianMs: perRun.map((x) => percentile(x, 50)),
    ratio: ratios.map((x) => percentile(x, 50)),
    ratioSpread: ratios.map((x): [number, number] => [percentile(x, 25), percentile(x, 75)]),
    samples,
  };
}

export async function measureInterleavedRuns(
  a: () => Promise<void>,
  b: () => Promise<void>,
  opts: Omit<InterleavedOptions, 'batchSize'>,
): Promise<Omit<InterleavedResult, 'batchSize'>> {
  const r = await measureInterleavedManyRuns([a, b], opts);
  return { aMedianMs: r.medianMs[0], bMedianMs: r.medianMs[1], ratio: r.ratio[1], ratioSpread: r.ratioSpread[1], samples: r.samples };
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

/** Interleaved latency of several loaded models on the current backend at one batch size. */
export async function measureInterleavedMany(models: LoadedModel[], opts: InterleavedOptions): Promise<InterleavedManyResult & { batchSize: number }> {
  const runners: ReturnType<typeof inferenceRunner>[] = [];
  try {
    for (const m of models) runners.push(inferenceRunner(m, opts.batchSize, 'measureInterleavedMany'));
    return { batchSize: opts.batchSize, ...(await measureInterleavedManyRuns(runners.map((r) => r.runOnce), opts)) };
  } finally {
    for (const r of runners) r.dispose();
  }
}
