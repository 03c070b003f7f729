/**
 * The search strategies as one driver (no tf): random search, regularized (ageing) evolution and
 * successive halving, each proposing architectures from a seeded random source and learning only
 * from the evaluations it is handed. The evaluator is injected — the real one trains and measures
 * (run.ts), tests pass a deterministic fake — so the same seed, budget and evaluations give the
 * same candidate sequence, and a resumed search replays recorded evaluations instead of training.
 */
import { abortError } from '../../errors';
import { throwIfAborted } from '../../runtime/yield';
import { mulberry32 } from '../../runtime/random';
import type { CandidateRecord, SearchBudget, StrategyConfig } from './meta';
import { mutate, sampleValid, type Constraints, type Random } from './operators';
import { archKey, type Architecture, type SearchSpace } from './space';

export interface EvalRequest {
  key: string;
  index: number;
  phase: 'search';
  rung: number;
  arch: Architecture;
  budget: { epochs: number; examples: number };
  mutation?: string;
  parentIndex?: number;
}

export interface DriverOptions {
  space: SearchSpace;
  constraints: Constraints;
  strategy: StrategyConfig;
  budget: SearchBudget;
  /** The budget of a candidate (successive halving: of rung 0). */
  trainBudget: { epochs: number; examples: number };
  /** The whole train split's size: successive halving grows `examples` up to it, then epochs. */
  trainCount: number;
  /**
   * Successive halving runs no rung longer than this many epochs (the final retraining's): past the
   * budget a winner is retrained with, more search training ranks nothing better.
   */
  maxRungEpochs?: number;
  seed: number;
  evaluate(req: EvalRequest): Promise<CandidateRecord>;
  /**
   * Candidates evaluated at once (a worker pool's size; default 1). Results are used in proposal
   * order, so the same seed, budget and concurrency give the same candidate sequence.
   */
  concurrency?: number;
  /** Milliseconds of search so far (a resumed search counts the time before the reload). */
  elapsedMs(): number;
  signal?: AbortSignal;
}

/** Higher is better; rejected candidates have no fitness and never win or breed. */
const fitnessOf = (c: CandidateRecord) => (c.status === 'trained' && c.fitness !== null ? c.fitness : -Infinity);

function outOfBudget(o: DriverOptions, proposed: number): boolean {
  if (o.budget.candidates !== null && proposed >= o.budget.candidates) return true;
  return o.budget.minutes !== null && o.elapsedMs() >= o.budget.minutes * 60_000;
}

/**
 * Evaluate the requests `next(i)` proposes (null: no more), up to `k` at once; results land in
 * proposal order. After a failure (or a cancel) nothing new is proposed, the ones in flight
 * settle, and the failure is thrown.
 */
async function evaluateWindow(o: DriverOptions, next: (i: number) => EvalRequest | null, out: CandidateRecord[]): Promise<CandidateRecord[]> {
  const k = Math.max(1, o.concurrency ?? 1);
  const results: CandidateRecord[] = [];
  const inflight = new Map<number, Promise<void>>();
  const failures: unknown[] = [];
  let more = true;
  let flushed = 0;
  for (let i = 0; ; ) {
    while (more && failures.length === 0 && inflight.size < k) {
      // A cancel is a failure like any other: the ones in flight settle before it is thrown.
      if (o.signal?.aborted) {
        failures.push(abortError());
        break;
      }
      const req = next(i);
      if (!req) {
        more = false;
        break;
      }
      const slot = i++;
      inflight.set(slot, o.evaluate(req).then(
        (r) => void (results[slot] = r),
        (error) => void failures.push(error),
      ).finally(() => inflight.delete(slot)));
    }
    if (inflight.size === 0) break;
    await Promise.race(inflight.values());
    while (results[flushed] !== undefined) out.push(results[flushed++]);
  }
  if (failures.length) throw failures[0];
  return results;
}

async function randomSearch(o: DriverOptions, rng: Random, out: CandidateRecord[]): Promise<void> {
  await evaluateWindow(o, (i) => (outOfBudget(o, i) ? null : { key: `search:0:${i}`, index: i, phase: 'search', rung: 0, arch: sampleValid(o.space, o.constraints, rng), budget: o.trainBudget }), out);
}

/**
 * Real et al. 2019: the first `population` candidates are drawn at random; then each child is one
 * mutation of the fittest of `sample` members drawn from the population, and the oldest member
 * dies as the child joins. Rejected children never join.
 */
async function evolution(o: DriverOptions, s: Extract<StrategyConfig, { kind: 'evolution' }>, rng: Random, out: CandidateRecord[]): Promise<void> {
  const population: CandidateRecord[] = [];
  const k = Math.max(1, o.concurrency ?? 1);
  // A generation of k children is proposed from the population as it stands, then evaluated
  // together; they join in proposal order (k = 1 is the sequential algorithm).
  for (let i = 0; !outOfBudget(o, i); ) {
    const batch: EvalRequest[] = [];
    let drawn = 0;
    while (batch.length < k && !outOfBudget(o, i)) {
      throwIfAborted(o.signal);
      if (population.length + drawn < s.population || population.length === 0) {
        batch.push({ key: `search:0:${i}`, index: i, phase: 'search', rung: 0, arch: sampleValid(o.space, o.constraints, rng), budget: o.trainBudget });
        drawn++;
      } else {
        const pool = [...population];
        const contenders: CandidateRecord[] = [];
        for (let c = 0; c < s.sample && pool.length; c++) contenders.push(pool.splice(Math.floor(rng() * pool.length), 1)[0]);
        const parent = contenders.reduce((best, c) => (fitnessOf(c) > fitnessOf(best) ? c : best));
        const child = mutate(parent.arch, o.space, o.constraints, rng);
        batch.push({ key: `search:0:${i}`, index: i, phase: 'search', rung: 0, arch: child.arch, budget: o.trainBudget, mutation: child.mutation, parentIndex: parent.index });
      }
      i++;
    }
    const results = await evaluateWindow({ ...o, concurrency: k }, (j) => batch[j] ?? null, out);
    for (const result of results) {
      if (result.status !== 'trained') continue;
      population.push(result);
      if (population.length > s.population) population.shift();
    }
  }
}

/** Rung r's budget: examples grow ×eta up to the whole split, then epochs grow. */
export function rungBudget(base: { epochs: number; examples: number }, eta: number, rung: number, trainCount: number): { epochs: number; examples: number } {
  let { epochs, examples } = base;
  for (let r = 0; r < rung; r++) {
    if (examples < trainCount) examples = Math.min(trainCount, examples * eta);
    else epochs *= eta;
  }
  return { epochs, examples: Math.min(examples, trainCount) };
}

/**
 * Successive halving (Jamieson & Talwalkar 2016): a cohort drawn at random is trained on a small
 * budget; the best ⌈n/eta⌉ go on to a rung with eta× the budget (trained afresh, same seed), until
 * one is left, the next rung would train longer than `maxRungEpochs`, or the budget runs out. While
 * budget remains after a bracket, another cohort is drawn (indices go on) and halved the same way:
 * a 10-minute search whose first bracket ended after 5 minutes used the rest for nothing. Every
 * draw is an architecture not tried before in the search; when none is left, the search ends.
 */
async function halving(o: DriverOptions, s: Extract<StrategyConfig, { kind: 'halving' }>, rng: Random, out: CandidateRecord[]): Promise<void> {
  const seen = new Set<string>();
  for (let first = 0; !outOfBudget(o, first);) {
    const cohort = Math.min(s.cohort, (o.budget.candidates ?? Infinity) - first);
    const run = await bracket(o, s, rng, out, first, cohort, seen);
    // Nothing new left to draw (a small space, all of it tried): the search is over.
    if (run.end === 'time' || run.drawn === 0) return;
    first += run.drawn;
  }
}

/** One successive-halving bracket of `cohort` random draws, indexed from `first`. */
async function bracket(o: DriverOptions, s: Extract<StrategyConfig, { kind: 'halving' }>, rng: Random, out: CandidateRecord[], first: number, cohort: number, seen: Set<string>): Promise<{ end: 'done' | 'time'; drawn: number }> {
  let alive: { arch: Architecture; index: number }[] = [];
  // Draws not tried before in this search: the same architecture again trains to the same result (a
  // small space, such as cuts of the reference, has few). After 200 repeats in a row the cohort
  // stops short.
  for (let repeats = 0; alive.length < cohort && repeats < 200; ) {
    const arch = sampleValid(o.space, o.constraints, rng);
    const key = archKey(arch);
    if (seen.has(key)) {
      repeats++;
      continue;
    }
    repeats = 0;
    seen.add(key);
    alive.push({ arch, index: first + alive.length });
  }
  const drawn = alive.length;
  if (drawn === 0) return { end: 'done', drawn };
  for (let rung = 0; alive.length > 0; rung++) {
    const budget = rungBudget(o.trainBudget, s.eta, rung, o.trainCount);
    // (Rung 0 always runs, whatever its budget.)
    if (rung > 0 && o.maxRungEpochs !== undefined && budget.epochs > o.maxRungEpochs) return { end: 'done', drawn };
    let timeUp = false;
    const results = await evaluateWindow(o, (j) => {
      const a = alive[j];
      if (!a) return null;
      if (o.budget.minutes !== null && o.elapsedMs() >= o.budget.minutes * 60_000) {
        timeUp = true;
        return null;
      }
      return { key: `search:${rung}:${a.index}`, index: a.index, phase: 'search', rung, arch: a.arch, budget };
    }, out);
    if (timeUp) return { end: 'time', drawn };
    if (alive.length === 1) return { end: 'done', drawn };
    // The best third of those trained: a candidate rejected by a hard constraint is out, and does not
    // count toward the cohort (counting it let every trained one of a mostly-rejected cohort through).
    const trained = results.filter((r) => r.status === 'trained');
    const keep = Math.ceil(trained.length / s.eta);
    alive = trained.sort((x, y) => fitnessOf(y) - fitnessOf(x) || x.index - y.index).slice(0, keep).map((r) => ({ arch: r.arch, index: r.index }));
  }
  return { end: 'done', drawn };
}

/** Run the strategy; returns every evaluation in order. */
export async function runStrategy(o: DriverOptions): Promise<CandidateRecord[]> {
  const rng = mulberry32(o.seed * 7919 + 17);
  const out: CandidateRecord[] = [];
  if (o.strategy.kind === 'random') await randomSearch(o, rng, out);
  else if (o.strategy.kind === 'evolution') await evolution(o, o.strategy, rng, out);
  else await halving(o, o.strategy, rng, out);
  return out;
}

/**
 * The candidates worth retraining: the best `n` trained ones by fitness, one per architecture, at
 * their highest rung (successive halving evaluates survivors more than once).
 */
export function bestCandidates(results: readonly CandidateRecord[], n: number): CandidateRecord[] {
  const byArch = new Map<string, CandidateRecord>();
  for (const r of results) {
    if (r.status !== 'trained') continue;
    const prev = byArch.get(r.archKey);
    if (!prev || r.rung > prev.rung || (r.rung === prev.rung && fitnessOf(r) > fitnessOf(prev))) byArch.set(r.archKey, r);
  }
  return [...byArch.values()].sort((a, b) => b.rung - a.rung || fitnessOf(b) - fitnessOf(a) || a.index - b.index).slice(0, n);
}

export { archKey };
