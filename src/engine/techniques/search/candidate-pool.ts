/**
 * Where candidates train. A pool of `size` members: the search keeps up to `size` candidates in
 * training at once, and every latency measurement runs `exclusive`ly — each member waits at its
 * next training step first — so no timing ever overlaps training. The worker gives a pool of Web
 * Workers (src/worker/search-pool.ts); without one, candidates train here, one at a time.
 */
import type { DatasetSplit } from '../../data/types';
import { PauseGate, serialized } from './pause-gate';
export { autoPoolSize } from './meta';
import { trainCandidate, type TrainJob, type TrainJobProgress, type TrainJobResult } from './train-candidate';

export interface CandidatePool {
  readonly size: number;
  /** What the run's notes say about where candidates trained. */
  readonly description: string;
  train(job: TrainJob, options: { signal?: AbortSignal; onProgress?(p: TrainJobProgress): void }): Promise<TrainJobResult>;
  /** Run `fn` while no member trains. */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  dispose(): void;
}

/** Opens a pool of `size` members on the run's data; the run disposes it. */
export type PoolFactory = (size: number, data: { train: DatasetSplit; validation: DatasetSplit }) => Promise<CandidatePool>;

/**
 * Members in this thread: `size` trainings interleave at each step's yield (one thread, so no
 * speed-up; what it has is the pool's exact behaviour — used when no worker pool is available,
 * and by the unit tests to check the pool's contract).
 */
export function inlinePool(size: number, data: { train: DatasetSplit; validation: DatasetSplit }): CandidatePool {
  const gates = Array.from({ length: size }, () => new PauseGate());
  const free = [...gates];
  const waiting: ((g: PauseGate) => void)[] = [];
  const acquire = () => (free.length ? Promise.resolve(free.shift()!) : new Promise<PauseGate>((r) => waiting.push(r)));
  const releaseGate = (g: PauseGate) => {
    const next = waiting.shift();
    if (next) next(g);
    else free.push(g);
  };
  const one = serialized();
  return {
    size,
    description: size === 1 ? 'in this worker, one at a time' : `${size} at a time, interleaved in this worker`,
    async train(job, options) {
      const gate = await acquire();
      try {
        return await gate.run(() => trainCandidate(job, data, { ...options, gate }));
      } finally {
        releaseGate(gate);
      }
    },
    exclusive: (fn) =>
      one(async () => {
        await Promise.all(gates.map((g) => g.pause()));
        try {
          return await fn();
        } finally {
          gates.forEach((g) => g.resume());
        }
      }),
    dispose() {
      gates.forEach((g) => g.resume());
    },
  };
}

/**
 * The run's pool: `wanted` members in other workers when the runner can start them (`spawn`),
 * else in this thread. A pool that fails to start is not an error: the search trains here and
 * says why.
 */
export async function openPool(
  wanted: number,
  data: { train: DatasetSplit; validation: DatasetSplit },
  spawn: PoolFactory | undefined,
): Promise<{ pool: CandidatePool; fallback?: string }> {
  if (wanted > 1 && spawn) {
    try {
      return { pool: await spawn(wanted, data) };
    } catch (e) {
      return { pool: inlinePool(1, data), fallback: `a pool of ${wanted} workers could not start (${e instanceof Error ? e.message : String(e)})` };
    }
  }
  return { pool: inlinePool(wanted, data) };
}
