/**
 * Neural architecture search, UI-safe part (no tf): the config, its defaults, presets and
 * validation, and the shapes a run streams to the page (candidates as they finish) and a
 * checkpoint keeps (so a reload resumes the search).
 */
import { BonsaiError } from '../../errors';
import type { InputFile } from '../../model/types';
import { checkTrainSettings, DEFAULT_FINE_TUNE, type TrainSettings } from '../../train/meta';
import type { TechniqueMeta } from '../types';
import type { Constraints } from './operators';
import { MNAS_W } from './pareto';
import type { Architecture, SearchSpace, SpaceLimits } from './space';

export type StrategyConfig =
  | { kind: 'random' }
  /** Regularized (ageing) evolution, Real et al. 2019: tournaments of `sample` in the newest `population`. */
  | { kind: 'evolution'; population: number; sample: number }
  /** Successive halving over the training budget: a cohort, the best 1/eta kept per rung, each rung eta× the budget. */
  | { kind: 'halving'; cohort: number; eta: number };

export type Objective =
  /** MnasNet: accuracy × (latency / target)^w; target null = half the reference model's latency (or 1 ms without one). */
  | { kind: 'score'; targetLatencyMs: number | null; w: number }
  /** Validation accuracy alone (latency, size only as constraints). */
  | { kind: 'accuracy' };

export interface SearchBudget {
  /** Stop proposing after this many candidates (null: no count limit). */
  candidates: number | null;
  /** Stop proposing after this many minutes of search (null: no time limit). At least one of the two is set. */
  minutes: number | null;
}

export interface SearchConfig {
  space: SpaceLimits;
  constraints: Constraints;
  strategy: StrategyConfig;
  budget: SearchBudget;
  /** Training of each candidate during the search: epochs × at most `examples` examples per epoch. */
  searchTrain: { epochs: number; examples: number };
  /** The best `retrainTop` candidates (by the objective) are retrained with `finalTrain` on the whole train split; the best of them is the result. */
  retrainTop: number;
  finalTrain: TrainSettings;
  /** While retraining the best: shift each training image by up to this many pixels (0: none; image data only). */
  finalShiftPx?: number;
  objective: Objective;
  /** A second batch size to measure each candidate's latency at (batch 1 is always measured). */
  latencyBatch: number | null;
  /** Measure the open model as the reference (its validation accuracy and latency; the default target latency). */
  reference: boolean;
  seed: number;
  /**
   * Candidates trained at once, each in its own worker (null: auto — from the cores this device
   * reports). Latency is always timed with every worker paused.
   */
  workers?: number | null;
  /** Candidates already evaluated (from a checkpoint): replayed, not retrained. */
  resume?: SearchResume;
}

export interface SearchResume {
  results: CandidateRecord[];
  /** Search time already spent, counted against `budget.minutes`. */
  elapsedMs: number;
}

/** How the job's progress phase starts while the best candidates retrain (the search view keys on it). */
export const RETRAIN_PHASE = 'Retraining the best';

export interface CandidateRecord {
  /** Unique in a run: phase, rung and index, e.g. "search:0:7". */
  key: string;
  index: number;
  phase: 'search' | 'final';
  rung: number;
  arch: Architecture;
  archKey: string;
  description: string;
  /** Evolution: the mutation that made it and its parent's index. */
  mutation?: string;
  parentIndex?: number;
  status: 'trained' | 'rejected';
  /** Why a rejected candidate was not trained (a constraint it broke). */
  reason?: string;
  /** null: never built (a cut the open model does not allow; `reason` says why). */
  params: number | null;
  flops: number | null;
  gzipBytes: number | null;
  /**
   * Warm median at batch 1 on this device (BENCHMARKS.md protocol). With a reference: its ratio to
   * the reference, timed interleaved, × the reference's latency (so load drift cancels).
   */
  latencyMs: number | null;
  /** Latency ÷ the reference's, from one interleaved run (absent without a reference). */
  vsReference?: number;
  /** At `latencyBatch`, per inference of the whole batch. */
  latencyBatchMs: number | null;
  /** The latency table's prediction at batch 1. */
  predictedMs: number | null;
  valAccuracy: number | null;
  /** The objective's value (higher is better). */
  fitness: number | null;
  budget: { epochs: number; examples: number };
  /** Validation accuracy per epoch. */
  curve: { epoch: number; valAccuracy: number | null; loss: number }[];
  seconds: number;
}

export interface SearchReference {
  name: string;
  valAccuracy: number | null;
  latencyMs: number;
  params: number;
  gzipBytes: number;
}

/** What a search streams to the page while it runs. */
export type SearchLive =
  | { kind: 'search-start'; config: SearchConfig; space: SearchSpace; reference: SearchReference | null; targetLatencyMs: number | null; objective: string; seed: number; device: string }
  | { kind: 'search-candidate'; candidate: CandidateRecord; files: InputFile[] | null; elapsedMs: number }
  | { kind: 'search-end'; predictorRho: number | null; flopsRho: number | null; measured: number; notes: string[] };

export const DEFAULT_SEARCH_CONFIG: SearchConfig = {
  space: {},
  constraints: { maxParams: 200_000, maxGzipBytes: null, maxFlops: null, maxLatencyMs: null },
  strategy: { kind: 'evolution', population: 8, sample: 3 },
  budget: { candidates: 24, minutes: 10 },
  searchTrain: { epochs: 1, examples: 4096 },
  retrainTop: 2,
  finalTrain: { ...DEFAULT_FINE_TUNE, epochs: 4, learningRate: 0.002 },
  finalShiftPx: 2,
  objective: { kind: 'score', targetLatencyMs: null, w: MNAS_W },
  latencyBatch: null,
  reference: true,
  seed: 1,
  workers: null,
};

const bad = (field: string, message: string, hint = 'Fix the value in Options.') => new BonsaiError('BAD_CONFIG', `Error in search: ${field} ${message}.`, hint);

function intIn(field: string, v: unknown, lo: number, hi: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) throw bad(field, `must be a whole number in ${lo}..${hi}, but is ${JSON.stringify(v)}`);
  return v;
}

function positiveOrNull(field: string, v: unknown): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw bad(field, `must be a positive number or empty, but is ${JSON.stringify(v)}`);
  return v;
}

export function validateSearchConfig(config: SearchConfig): SearchConfig {
  const c = { ...DEFAULT_SEARCH_CONFIG, ...config };
  const s = c.strategy;
  if (!s || !['random', 'evolution', 'halving'].includes(s.kind)) throw bad('strategy', 'must be random, evolution or halving');
  if (s.kind === 'evolution') {
    intIn('strategy.population', s.population, 2, 200);
    intIn('strategy.sample', s.sample, 1, s.population);
  }
  if (s.kind === 'halving') {
    intIn('strategy.cohort', s.cohort, 2, 512);
    intIn('strategy.eta', s.eta, 2, 8);
  }
  const candidates = c.budget.candidates === null ? null : intIn('budget.candidates', c.budget.candidates, 1, 10_000);
  const minutes = positiveOrNull('budget.minutes', c.budget.minutes);
  if (candidates === null && minutes === null) throw bad('budget', 'needs a candidate count or a time limit', 'Set "candidates" or "minutes".');
  intIn('searchTrain.epochs', c.searchTrain.epochs, 1, 100);
  intIn('searchTrain.examples', c.searchTrain.examples, 1, 10_000_000);
  intIn('retrainTop', c.retrainTop, 0, 10);
  checkTrainSettings(c.finalTrain, 'finalTrain.');
  for (const k of ['maxParams', 'maxGzipBytes', 'maxFlops', 'maxLatencyMs', 'maxLatencyVsReference'] as const) positiveOrNull(`constraints.${k}`, c.constraints[k]);
  if (c.constraints.maxLatencyVsReference != null && !c.reference) throw bad('constraints.maxLatencyVsReference', 'needs the open model as the reference', 'Tick “Compare with the open model”, or clear the latency-vs-open-model limit.');
  if (c.objective.kind === 'score') {
    positiveOrNull('objective.targetLatencyMs', c.objective.targetLatencyMs);
    if (typeof c.objective.w !== 'number' || !Number.isFinite(c.objective.w) || c.objective.w > 0 || c.objective.w < -2) throw bad('objective.w', `must be in −2..0, but is ${JSON.stringify(c.objective.w)}`);
  } else if (c.objective.kind !== 'accuracy') throw bad('objective', 'must be score or accuracy');
  if (c.latencyBatch !== null) intIn('latencyBatch', c.latencyBatch, 2, 4096);
  intIn('seed', c.seed, 0, 2 ** 31 - 1);
  if (c.workers !== null && c.workers !== undefined) intIn('workers', c.workers, 1, 8);
  if (c.finalShiftPx !== undefined) intIn('finalShiftPx', c.finalShiftPx, 0, 4);
  return c;
}

const quick: SearchConfig = {
  ...DEFAULT_SEARCH_CONFIG,
  strategy: { kind: 'evolution', population: 4, sample: 2 },
  budget: { candidates: 8, minutes: 3 },
  searchTrain: { epochs: 1, examples: 1024 },
  retrainTop: 1,
  finalTrain: { ...DEFAULT_FINE_TUNE, epochs: 2, learningRate: 0.002 },
};

export const SEARCH_META: TechniqueMeta<SearchConfig> = {
  id: 'search',
  label: 'Search',
  intro:
    'Neural architecture search on this device: candidates are trained briefly, their latency measured here, and the best (by accuracy and measured speed) retrained in full. Save any candidate to the library to prune, quantize or distill it further.',
  defaults: DEFAULT_SEARCH_CONFIG,
  presets: [
    { id: 'quick', label: 'Quick look (8 candidates)', description: 'Evolution over 8 candidates, 1,024 examples each; the best retrained for 2 epochs. About a minute or two.', config: quick },
    { id: 'evolution', label: 'Regularized evolution (10 min)', description: 'Ageing evolution (population 8, tournaments of 3) for up to 10 minutes or 24 candidates; the best 2 retrained for 4 epochs. MnasNet score, target = half the open model\'s latency.', config: DEFAULT_SEARCH_CONFIG },
    { id: 'random', label: 'Random search', description: 'The baseline every NAS method must beat: uniform draws from the space, same budget as evolution.', config: { ...DEFAULT_SEARCH_CONFIG, strategy: { kind: 'random' } } },
    {
      id: 'cuts',
      label: 'Faster open model (cuts)',
      description: 'Searches cuts of the open model that keep its trained weights — pooling folded into strides, hidden Dense layers merged, up to half the filters/units removed — for the most accurate one at least twice as fast as the open model on this device (timed interleaved with it). Successive halving; the best 2 fine-tuned for 15 epochs with ±2 px shifts. Needs a Keras/Layers model.',
      config: {
        ...DEFAULT_SEARCH_CONFIG,
        space: { cuts: 'only' },
        constraints: { ...DEFAULT_SEARCH_CONFIG.constraints, maxParams: null, maxLatencyVsReference: 0.5 },
        strategy: { kind: 'halving', cohort: 17, eta: 3 },
        budget: { candidates: null, minutes: 10 },
        searchTrain: { epochs: 1, examples: 2048 },
        finalTrain: { ...DEFAULT_FINE_TUNE, epochs: 15, learningRate: 0.001 },
        objective: { kind: 'accuracy' },
        reference: true,
      },
    },
    { id: 'halving', label: 'Successive halving', description: 'A cohort of 16 trained on 1,024 examples; the best third survive each rung with 3× the budget (never more epochs than the final training), so bad candidates die cheap; while budget remains, another cohort is drawn.', config: { ...DEFAULT_SEARCH_CONFIG, strategy: { kind: 'halving', cohort: 16, eta: 3 }, searchTrain: { epochs: 1, examples: 1024 } } },
  ],
  validate: validateSearchConfig,
  chartKeys: ['params', 'flops'],
  unavailable: () => null,
};

/**
 * The pool size "auto" picks from the cores this device reports: one core stays with the page and
 * the engine (latency is timed there), the rest train, at most 4. With fewer than 4 cores the
 * search trains in the engine worker.
 */
export function autoPoolSize(cores: number | undefined): number {
  if (!cores || cores < 4) return 1;
  return Math.min(4, cores - 1);
}
