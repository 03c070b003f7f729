import { describe, expect, it } from 'vitest';
import { archLayers, archCost } from './layers';
import type { CandidateRecord, SearchBudget, StrategyConfig } from './meta';
import type { Constraints } from './operators';
import { archKey, deriveSpace, describeArch, type Architecture } from './space';
import { bestCandidates, rungBudget, runStrategy, type EvalRequest } from './strategy';

const SPACE = deriveSpace([28, 28, 1], 10, { maxBlocks: 3 });
const CONSTRAINTS: Constraints = { maxParams: 100_000 };

/** A deterministic stand-in for training: fitness is a fixed function of the architecture. */
function fakeFitness(arch: Architecture): number {
  const key = archKey(arch);
  let h = 0;
  for (const ch of key) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return (h % 1000) / 1000;
}

function fakeEvaluate(log: EvalRequest[], reject?: (a: Architecture) => boolean) {
  return async (req: EvalRequest): Promise<CandidateRecord> => {
    log.push(req);
    const cost = archCost(archLayers(req.arch, SPACE));
    const rejected = reject?.(req.arch) ?? false;
    const f = fakeFitness(req.arch);
    return {
      key: req.key, index: req.index, phase: 'search', rung: req.rung, arch: req.arch, archKey: archKey(req.arch), description: describeArch(req.arch, 10),
      status: rejected ? 'rejected' : 'trained', params: cost.params, flops: cost.flops, gzipBytes: null, latencyMs: 1, latencyBatchMs: null, predictedMs: 1,
      valAccuracy: rejected ? null : f, fitness: rejected ? null : f + req.rung, budget: req.budget, curve: [], seconds: 0,
      ...(req.mutation ? { mutation: req.mutation, parentIndex: req.parentIndex } : {}),
    };
  };
}

async function search(strategy: StrategyConfig, seed: number, budget: SearchBudget = { candidates: 20, minutes: null }, reject?: (a: Architecture) => boolean) {
  const log: EvalRequest[] = [];
  const results = await runStrategy({
    space: SPACE, constraints: CONSTRAINTS, strategy, budget, trainBudget: { epochs: 1, examples: 100 }, trainCount: 1000, seed,
    evaluate: fakeEvaluate(log, reject), elapsedMs: () => 0,
  });
  return { log, results };
}

const EVOLUTION: StrategyConfig = { kind: 'evolution', population: 5, sample: 3 };

describe('runStrategy', () => {
  it('is reproducible: the same seed and budget give the same candidate sequence (every strategy)', async () => {
    for (const s of [{ kind: 'random' }, EVOLUTION, { kind: 'halving', cohort: 9, eta: 3 }] as StrategyConfig[]) {
      const a = await search(s, 11);
      const b = await search(s, 11);
      const c = await search(s, 12);
      expect(a.log.map((r) => r.key + archKey(r.arch))).toEqual(b.log.map((r) => r.key + archKey(r.arch)));
      expect(a.log.map((r) => archKey(r.arch))).not.toEqual(c.log.map((r) => archKey(r.arch)));
    }
  });
  it('random search proposes exactly the candidate budget', async () => {
    const { log } = await search({ kind: 'random' }, 1, { candidates: 7, minutes: null });
    expect(log.map((r) => r.key)).toEqual(Array.from({ length: 7 }, (_, i) => `search:0:${i}`));
  });
  it('evolution: after the first population, each child is one mutation of a living member', async () => {
    const { log, results } = await search(EVOLUTION, 3, { candidates: 30, minutes: null });
    expect(log.slice(0, 5).every((r) => r.mutation === undefined)).toBe(true);
    for (const r of log.slice(5)) {
      expect(r.mutation).toBeTruthy();
      // Ageing: the parent is among the 5 newest trained candidates before this child.
      expect(r.index - r.parentIndex!).toBeLessThanOrEqual(5);
      expect(archKey(r.arch)).not.toBe(archKey(results[r.parentIndex!].arch));
    }
  });
  it('evolution: rejected children never become parents', async () => {
    const rejectWide = (a: Architecture) => a.kind === 'image' && a.blocks.some((b) => b.width >= 48);
    const { log, results } = await search(EVOLUTION, 5, { candidates: 40, minutes: null }, rejectWide);
    const rejected = new Set(results.filter((r) => r.status === 'rejected').map((r) => r.index));
    expect(rejected.size).toBeGreaterThan(0);
    for (const r of log) if (r.parentIndex !== undefined) expect(rejected.has(r.parentIndex)).toBe(false);
  });
  it('successive halving keeps the best third per rung with 3× the budget', async () => {
    const { log } = await search({ kind: 'halving', cohort: 9, eta: 3 }, 2, { candidates: 9, minutes: null });
    const perRung = [0, 1, 2].map((r) => log.filter((l) => l.rung === r));
    expect(perRung.map((r) => r.length)).toEqual([9, 3, 1]);
    expect(perRung.map((r) => r[0].budget)).toEqual([{ epochs: 1, examples: 100 }, { epochs: 1, examples: 300 }, { epochs: 1, examples: 900 }]);
    const rung0 = perRung[0].map((l) => ({ index: l.index, f: fakeFitness(l.arch) })).sort((a, b) => b.f - a.f);
    expect(perRung[1].map((l) => l.index).sort()).toEqual(rung0.slice(0, 3).map((x) => x.index).sort());
  });
  it('successive halving draws another cohort while budget remains (indices go on, each bracket halved)', async () => {
    const { log } = await search({ kind: 'halving', cohort: 9, eta: 3 }, 2, { candidates: 20, minutes: null });
    const rung0 = log.filter((l) => l.rung === 0).map((l) => l.index);
    expect(rung0).toEqual(Array.from({ length: 20 }, (_, i) => i));
    // Brackets of 9, 9 and 2: 9 → 3 → 1, 9 → 3 → 1, 2 → 1.
    expect([1, 2].map((r) => log.filter((l) => l.rung === r).length)).toEqual([3 + 3 + 1, 1 + 1]);
    for (const [lo, hi] of [[0, 9], [9, 18], [18, 20]]) {
      const inBracket = log.filter((l) => l.index >= lo && l.index < hi);
      expect(inBracket.filter((l) => l.rung > 0).every((l) => l.index >= lo && l.index < hi)).toBe(true);
      expect(Math.max(...inBracket.map((l) => l.rung))).toBe(hi - lo === 9 ? 2 : 1);
    }
    // With a time budget it goes on until the time is up.
    let t = 0;
    const timed: EvalRequest[] = [];
    await runStrategy({
      space: SPACE, constraints: CONSTRAINTS, strategy: { kind: 'halving', cohort: 3, eta: 3 }, budget: { candidates: null, minutes: 1 }, trainBudget: { epochs: 1, examples: 10 }, trainCount: 100, seed: 1,
      evaluate: async (req) => {
        t += 5_000;
        return fakeEvaluate(timed)(req);
      },
      elapsedMs: () => t,
    });
    expect(timed.length).toBe(12);
    expect(timed.filter((l) => l.rung === 0).length).toBe(9);
  });
  it('successive halving: rejected candidates do not count toward the third that goes on', async () => {
    const rejectWide = (a: Architecture) => a.kind === 'image' && a.blocks.some((b) => b.width >= 32);
    const { log, results } = await search({ kind: 'halving', cohort: 18, eta: 3 }, 4, { candidates: 18, minutes: null }, rejectWide);
    const trained0 = results.filter((r) => r.rung === 0 && r.status === 'trained');
    expect(trained0.length).toBeLessThan(18);
    expect(trained0.length).toBeGreaterThan(3);
    const rung1 = log.filter((l) => l.rung === 1).map((l) => l.index).sort((a, b) => a - b);
    const best = [...trained0].sort((a, b) => b.fitness! - a.fitness! || a.index - b.index).slice(0, Math.ceil(trained0.length / 3));
    expect(rung1).toEqual(best.map((r) => r.index).sort((a, b) => a - b));
  });
  it('successive halving runs no rung longer than the final training (maxRungEpochs)', async () => {
    const run = async (maxRungEpochs?: number) => {
      const log: EvalRequest[] = [];
      await runStrategy({
        space: SPACE, constraints: CONSTRAINTS, strategy: { kind: 'halving', cohort: 27, eta: 3 }, budget: { candidates: 27, minutes: null },
        trainBudget: { epochs: 1, examples: 1000 }, trainCount: 1000, maxRungEpochs, seed: 3, evaluate: fakeEvaluate(log), elapsedMs: () => 0,
      });
      return [0, 1, 2, 3].map((r) => log.filter((l) => l.rung === r).map((l) => l.budget.epochs));
    };
    // 27 → 9 → 3 → 1 candidates at 1, 3, 9, 27 epochs; capped at 9 epochs the 27-epoch rung never runs.
    expect((await run()).map((r) => r.length)).toEqual([27, 9, 3, 1]);
    const capped = await run(9);
    expect(capped.map((r) => r.length)).toEqual([27, 9, 3, 0]);
    expect(capped.flat().every((e) => e <= 9)).toBe(true);
    // Rung 0 runs even when its own budget is over the cap.
    expect((await run(0.5))[0]).toHaveLength(27);
  });
  it('stops on the time budget', async () => {
    let t = 0;
    const log: EvalRequest[] = [];
    await runStrategy({
      space: SPACE, constraints: CONSTRAINTS, strategy: { kind: 'random' }, budget: { candidates: null, minutes: 1 }, trainBudget: { epochs: 1, examples: 10 }, trainCount: 100, seed: 1,
      evaluate: async (req) => {
        t += 25_000;
        return fakeEvaluate(log)(req);
      },
      elapsedMs: () => t,
    });
    expect(log.length).toBe(3);
  });
});

describe('rungBudget and bestCandidates', () => {
  it('grows examples up to the split, then epochs', () => {
    expect(rungBudget({ epochs: 1, examples: 500 }, 3, 2, 2000)).toEqual({ epochs: 1, examples: 2000 });
    expect(rungBudget({ epochs: 1, examples: 500 }, 3, 3, 2000)).toEqual({ epochs: 3, examples: 2000 });
  });
  it('picks the best distinct architectures, the highest rung first', async () => {
    const { results } = await search({ kind: 'halving', cohort: 9, eta: 3 }, 2, { candidates: 9, minutes: null });
    const best = bestCandidates(results, 2);
    expect(best[0].rung).toBe(2);
    expect(new Set(best.map((b) => b.archKey)).size).toBe(2);
  });
});

describe('runStrategy with a pool (several candidates at once)', () => {
  /** Evaluations that finish in a scrambled order, counting how many run at once. */
  async function pooled(strategy: StrategyConfig, seed: number, concurrency: number, delaySeed: number) {
    const log: EvalRequest[] = [];
    const inner = fakeEvaluate(log);
    let running = 0;
    let most = 0;
    let d = delaySeed;
    const results = await runStrategy({
      space: SPACE, constraints: CONSTRAINTS, strategy, budget: { candidates: 20, minutes: null }, trainBudget: { epochs: 1, examples: 100 }, trainCount: 1000, seed,
      concurrency, elapsedMs: () => 0,
      evaluate: async (req) => {
        running++;
        most = Math.max(most, running);
        d = (d * 1103515245 + 12345) % 2147483648;
        await new Promise((r) => setTimeout(r, d % 7));
        running--;
        return inner(req);
      },
    });
    return { keys: results.map((r) => `${r.key}:${r.archKey}`), most };
  }

  it('the same seed, budget and pool size give the same sequence, whatever order evaluations finish in', async () => {
    for (const s of [{ kind: 'random' }, EVOLUTION, { kind: 'halving', cohort: 9, eta: 3 }] as StrategyConfig[]) {
      const a = await pooled(s, 5, 3, 1);
      const b = await pooled(s, 5, 3, 99);
      expect(b.keys).toEqual(a.keys);
      expect(a.most).toBeLessThanOrEqual(3);
      expect(a.most).toBeGreaterThan(1);
    }
  });

  it('a pool of one is the sequential search exactly', async () => {
    for (const s of [{ kind: 'random' }, EVOLUTION, { kind: 'halving', cohort: 9, eta: 3 }] as StrategyConfig[]) {
      const sequential = await search(s, 8);
      const one = await pooled(s, 8, 1, 3);
      expect(one.keys).toEqual(sequential.results.map((r) => `${r.key}:${r.archKey}`));
      expect(one.most).toBe(1);
    }
  });

  it('a failed evaluation stops new proposals, lets the running ones settle, and is thrown', async () => {
    let started = 0;
    let settled = 0;
    const e = await runStrategy({
      space: SPACE, constraints: CONSTRAINTS, strategy: { kind: 'random' }, budget: { candidates: 20, minutes: null }, trainBudget: { epochs: 1, examples: 100 }, trainCount: 1000, seed: 1,
      concurrency: 3, elapsedMs: () => 0,
      evaluate: async (req) => {
        started++;
        await new Promise((r) => setTimeout(r, req.index === 1 ? 1 : 5));
        settled++;
        if (req.index === 1) throw new Error('candidate 2 failed');
        return fakeEvaluate([])(req);
      },
    }).catch((x: unknown) => x);
    expect((e as Error).message).toBe('candidate 2 failed');
    expect(started).toBe(3);
    expect(settled).toBe(3);
  });

  it('a cancel stops new proposals and lets the running ones settle before the abort is thrown', async () => {
    const controller = new AbortController();
    let started = 0;
    let settled = 0;
    const e = await runStrategy({
      space: SPACE, constraints: CONSTRAINTS, strategy: { kind: 'random' }, budget: { candidates: 20, minutes: null }, trainBudget: { epochs: 1, examples: 100 }, trainCount: 1000, seed: 1,
      concurrency: 3, elapsedMs: () => 0, signal: controller.signal,
      evaluate: async (req) => {
        started++;
        if (req.index === 0) controller.abort();
        await new Promise((r) => setTimeout(r, 5));
        settled++;
        return fakeEvaluate([])(req);
      },
    }).catch((x: unknown) => x);
    expect((e as Error).name).toBe('AbortError');
    expect(started).toBe(1);
    expect(settled).toBe(started);
  });
});

describe('successive halving over a small space', () => {
  it('draws each architecture once in the whole search, then ends, even with time left', async () => {
    // Cuts of a LeNet-5-like reference: 2 × 3 × 3 choices less the reference itself = 17 architectures.
    const cuts = deriveSpace([28, 28, 1], 10, { cuts: 'only' }, { name: 'lenet-5', canFold: true, maxMerge: 2 });
    const log: EvalRequest[] = [];
    await runStrategy({
      space: cuts, constraints: CONSTRAINTS, strategy: { kind: 'halving', cohort: 8, eta: 3 }, budget: { candidates: null, minutes: 10 }, trainBudget: { epochs: 1, examples: 10 }, trainCount: 100, seed: 3,
      elapsedMs: () => 0,
      evaluate: async (req) => {
        log.push(req);
        const f = fakeFitness(req.arch);
        return {
          key: req.key, index: req.index, phase: 'search', rung: req.rung, arch: req.arch, archKey: archKey(req.arch), description: describeArch(req.arch, 10),
          status: 'trained', params: 1, flops: 1, gzipBytes: null, latencyMs: 1, latencyBatchMs: null, predictedMs: null, valAccuracy: f, fitness: f, budget: req.budget, curve: [], seconds: 0,
        };
      },
    });
    const rung0 = log.filter((r) => r.rung === 0);
    expect(rung0.length).toBe(17);
    expect(new Set(rung0.map((r) => archKey(r.arch))).size).toBe(17);
    expect(rung0.map((r) => r.index)).toEqual(Array.from({ length: 17 }, (_, i) => i));
  });
});
