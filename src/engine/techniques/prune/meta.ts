/**
 * Prune: settings, defaults, presets and validation as plain data (no tf import; the UI reads it).
 * Four methods share one config union: unstructured magnitude pruning (one-shot or gradual, Zhu &
 * Gupta 2017), N:M sparsity along the input dimension, structured filter/unit removal (run by
 * structured.ts), and 'auto', which scans per-layer sensitivity and picks per-layer ratios.
 */
import { BonsaiError } from '../../errors';
import type { TrainConfig } from '../../train/meta';
import type { TechniqueMeta } from '../types';

/** The fine-tuning part of a TrainConfig a prune run exposes. */
export type TrainSettings = Pick<TrainConfig, 'epochs' | 'batchSize' | 'learningRate' | 'optimizer' | 'seed'> & {
  maxBatchesPerEpoch?: number;
};

/**
 * Zhu & Gupta's polynomial schedule, in optimizer steps: sparsity rises from `initialSparsity` at
 * `beginStep` to the final sparsity at `endStep`, masks recomputed every `frequency` steps.
 * When absent, run.ts derives it from the fine-tuning length (see `defaultGradualSchedule`).
 */
export interface GradualSchedule {
  initialSparsity: number;
  beginStep: number;
  endStep: number;
  frequency: number;
  /** 3 in the paper: prune fast early, when redundancy is high, and slowly near the end. */
  power: number;
}

export interface MagnitudePruneConfig {
  method: 'magnitude';
  /** Fraction of prunable weights set to exactly 0, in [0, 1). */
  sparsity: number;
  schedule: 'one-shot' | 'gradual';
  /** 'global': one magnitude threshold across all pruned layers; 'per-layer': each layer to `sparsity`. */
  scope: 'per-layer' | 'global';
  /** Layer name → its own sparsity (taken out of the global pool). Also forces a tiny layer in. */
  perLayer?: Record<string, number>;
  /** Layer names never pruned. */
  skip?: string[];
  /** Layers with fewer prunable weights are skipped unless named in perLayer (default 1,000). */
  minLayerParams?: number;
  gradual?: GradualSchedule;
  /** Required for 'gradual' (the schedule runs during fine-tuning); optional for one-shot. */
  fineTune?: TrainSettings;
}

export interface NMPruneConfig {
  method: 'nm';
  /** Weights kept in every group of M consecutive input channels (1 ≤ N ≤ M). */
  n: number;
  m: number;
  skip?: string[];
  minLayerParams?: number;
  fineTune?: TrainSettings;
}

export interface StructuredPruneConfig {
  method: 'structured';
  /** Fraction of filters/units removed per layer. */
  ratio: number;
  norm: 'l1' | 'l2';
  perLayer?: Record<string, number>;
  skip?: string[];
  fineTune?: TrainSettings;
}

export type AutoTarget = { kind: 'accuracy-drop'; points: number } | { kind: 'flops-reduction'; fraction: number };

export interface AutoPruneConfig {
  method: 'auto';
  /**
   * 'accuracy-drop': per-layer unstructured sparsities whose measured drops sum within `points`
   * (percentage points of accuracy, or of fidelity agreement on unlabeled data).
   * 'flops-reduction': per-layer structured ratios removing at least `fraction` of the FLOPs —
   * unstructured zeros do not change FLOPs in TF.js, so this target always prunes structurally.
   */
  target: AutoTarget;
  /** Ratios probed by the sensitivity scan (default SENSITIVITY_RATIOS). */
  ratios?: number[];
  skip?: string[];
  minLayerParams?: number;
  fineTune?: TrainSettings;
}

export type PruneConfig = MagnitudePruneConfig | NMPruneConfig | StructuredPruneConfig | AutoPruneConfig;
export type PruneMethod = PruneConfig['method'];

/** Ratios the sensitivity scan probes per layer by default. */
export const SENSITIVITY_RATIOS: readonly number[] = [0.25, 0.5, 0.7, 0.8, 0.9, 0.95];

/**
 * Below this many prunable weights a layer is skipped by default: zeroing most of a 72-weight
 * first conv or a 10-unit classifier costs accuracy out of proportion to the bytes it saves.
 */
export const DEFAULT_MIN_LAYER_PARAMS = 1000;

export const DEFAULT_FINE_TUNE: TrainSettings = { epochs: 2, batchSize: 64, learningRate: 0.0005, optimizer: 'adam', seed: 1 };

const magnitudeDefaults: MagnitudePruneConfig = {
  method: 'magnitude', sparsity: 0.9, schedule: 'gradual', scope: 'global', fineTune: DEFAULT_FINE_TUNE,
};

export const PRUNE_META: TechniqueMeta<PruneConfig> = {
  id: 'prune',
  label: 'Prune',
  defaults: magnitudeDefaults,
  presets: [
    {
      id: 'gradual-90',
      label: 'Gradual 90%',
      description: 'Magnitude pruning to 90% zeros with one global threshold, ramped up during fine-tuning (Zhu & Gupta). Shows up in gzip size, not latency.',
      config: magnitudeDefaults,
    },
    {
      id: 'nm-2-4',
      label: '2:4',
      description: 'Keep the 2 largest of every 4 consecutive input weights (50% zeros in a hardware-friendly pattern), then fine-tune.',
      config: { method: 'nm', n: 2, m: 4, fineTune: DEFAULT_FINE_TUNE },
    },
    {
      id: 'slim-50',
      label: 'Slim channels 50%',
      description: 'Remove half of the filters/units of each layer (smallest L1 norm) and rebuild a smaller model, then fine-tune. Shows up in latency.',
      config: { method: 'structured', ratio: 0.5, norm: 'l1', fineTune: DEFAULT_FINE_TUNE },
    },
    {
      id: 'auto-1pt',
      label: 'Auto: within 1 pt',
      description: 'Scan each layer’s sensitivity, pick per-layer sparsities that together cost at most 1 point of accuracy, then fine-tune.',
      config: { method: 'auto', target: { kind: 'accuracy-drop', points: 1 }, fineTune: DEFAULT_FINE_TUNE },
    },
  ],
  validate: validatePruneConfig,
};

function bad(field: string, expected: string, got: unknown, hint?: string): BonsaiError {
  return new BonsaiError('BAD_CONFIG', `Error in prune settings: ${field} must be ${expected}, got ${JSON.stringify(got) ?? String(got)}.`, hint);
}

const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const isWhole = (x: unknown): x is number => isNum(x) && Number.isInteger(x);

function checkRatio(field: string, x: unknown, hint?: string): void {
  if (!isNum(x) || x < 0 || x >= 1) throw bad(field, 'a number in [0, 1) (1 would remove everything)', x, hint);
}

function checkNames(field: string, names: unknown): void {
  if (names === undefined) return;
  if (!Array.isArray(names) || names.some((n) => typeof n !== 'string')) throw bad(field, 'a list of layer names', names);
}

function checkPerLayer(field: string, perLayer: unknown, hint?: string): void {
  if (perLayer === undefined) return;
  if (typeof perLayer !== 'object' || perLayer === null || Array.isArray(perLayer)) throw bad(field, 'a map of layer name → ratio', perLayer);
  for (const [name, r] of Object.entries(perLayer)) checkRatio(`${field}.${name}`, r, hint);
}

function checkMinLayerParams(x: unknown): void {
  if (x !== undefined && (!isWhole(x) || x < 0)) throw bad('minLayerParams', 'a whole number ≥ 0', x);
}

/** Fine-tune settings: the same ranges trainModel enforces, named as prune fields. */
export function checkTrainSettings(field: string, t: TrainSettings | undefined): void {
  if (t === undefined) return;
  if (typeof t !== 'object' || t === null) throw bad(field, 'training settings', t);
  if (!isWhole(t.epochs) || t.epochs < 1 || t.epochs > 10_000) throw bad(`${field}.epochs`, 'a whole number from 1 to 10000', t.epochs);
  if (!isWhole(t.batchSize) || t.batchSize < 1 || t.batchSize > 4096) throw bad(`${field}.batchSize`, 'a whole number from 1 to 4096', t.batchSize);
  if (!isNum(t.learningRate) || t.learningRate <= 0 || t.learningRate > 10) throw bad(`${field}.learningRate`, 'a number in (0, 10]', t.learningRate, 'Fine-tuning after pruning usually wants a small rate, e.g. 0.0005 for Adam.');
  if (!['adam', 'sgd', 'rmsprop'].includes(t.optimizer)) throw bad(`${field}.optimizer`, "'adam', 'sgd' or 'rmsprop'", t.optimizer);
  if (!isWhole(t.seed) || !Number.isSafeInteger(t.seed)) throw bad(`${field}.seed`, 'a whole number', t.seed);
  if (t.maxBatchesPerEpoch !== undefined && (!isWhole(t.maxBatchesPerEpoch) || t.maxBatchesPerEpoch < 1)) {
    throw bad(`${field}.maxBatchesPerEpoch`, 'a whole number ≥ 1 when set', t.maxBatchesPerEpoch);
  }
}

function checkGradual(g: GradualSchedule | undefined, finalSparsity: number): void {
  if (g === undefined) return;
  checkRatio('gradual.initialSparsity', g.initialSparsity);
  if (g.initialSparsity > finalSparsity) throw bad('gradual.initialSparsity', `at most the final sparsity (${finalSparsity})`, g.initialSparsity);
  if (!isWhole(g.beginStep) || g.beginStep < 0) throw bad('gradual.beginStep', 'a whole number ≥ 0', g.beginStep);
  if (!isWhole(g.endStep) || g.endStep <= g.beginStep) throw bad('gradual.endStep', `a whole number above beginStep (${g.beginStep})`, g.endStep);
  if (!isWhole(g.frequency) || g.frequency < 1) throw bad('gradual.frequency', 'a whole number ≥ 1 (steps between mask updates)', g.frequency);
  if (!isNum(g.power) || g.power <= 0 || g.power > 10) throw bad('gradual.power', 'a number in (0, 10] (3 in Zhu & Gupta)', g.power);
}

/** Returns the config unchanged, or throws BAD_CONFIG naming the first field out of range. */
export function validatePruneConfig(config: PruneConfig): PruneConfig {
  if (typeof config !== 'object' || config === null) throw bad('config', 'an object', config);
  switch (config.method) {
    case 'magnitude': {
      checkRatio('sparsity', config.sparsity, 'Try 0.5 to 0.9; 0.9 means 90% of the weights become exact zeros.');
      if (config.schedule !== 'one-shot' && config.schedule !== 'gradual') throw bad('schedule', "'one-shot' or 'gradual'", config.schedule);
      if (config.scope !== 'per-layer' && config.scope !== 'global') throw bad('scope', "'per-layer' or 'global'", config.scope);
      checkPerLayer('perLayer', config.perLayer);
      checkNames('skip', config.skip);
      checkMinLayerParams(config.minLayerParams);
      checkGradual(config.gradual, Math.min(config.sparsity, ...Object.values(config.perLayer ?? {})));
      if (config.schedule === 'gradual' && config.fineTune === undefined) {
        throw bad('fineTune', 'set for a gradual schedule (it runs during fine-tuning)', undefined, "Add fine-tune settings, or choose schedule 'one-shot'.");
      }
      checkTrainSettings('fineTune', config.fineTune);
      return config;
    }
    case 'nm': {
      if (!isWhole(config.m) || config.m < 1 || config.m > 64) throw bad('m', 'a whole number from 1 to 64 (group size)', config.m);
      if (!isWhole(config.n) || config.n < 1) throw bad('n', 'a whole number ≥ 1 (weights kept per group)', config.n);
      if (config.n > config.m) throw bad('n', `at most m (${config.m}): N:M keeps N of every M weights`, config.n, 'The usual pattern is 2:4.');
      checkNames('skip', config.skip);
      checkMinLayerParams(config.minLayerParams);
      checkTrainSettings('fineTune', config.fineTune);
      return config;
    }
    case 'structured': {
      const hint = 'A ratio of 1 would remove every filter/unit of a layer; keep at least one (e.g. 0.5).';
      checkRatio('ratio', config.ratio, hint);
      if (config.norm !== 'l1' && config.norm !== 'l2') throw bad('norm', "'l1' or 'l2'", config.norm);
      checkPerLayer('perLayer', config.perLayer, hint);
      checkNames('skip', config.skip);
      checkTrainSettings('fineTune', config.fineTune);
      return config;
    }
    case 'auto': {
      const t = config.target;
      if (typeof t !== 'object' || t === null) throw bad('target', "{kind: 'accuracy-drop', points} or {kind: 'flops-reduction', fraction}", t);
      if (t.kind === 'accuracy-drop') {
        if (!isNum(t.points) || t.points < 0 || t.points > 100) throw bad('target.points', 'a number of percentage points in [0, 100]', t.points);
      } else if (t.kind === 'flops-reduction') {
        if (!isNum(t.fraction) || t.fraction <= 0 || t.fraction >= 1) throw bad('target.fraction', 'a fraction of FLOPs to remove in (0, 1)', t.fraction);
      } else {
        throw bad('target.kind', "'accuracy-drop' or 'flops-reduction'", (t as { kind: unknown }).kind);
      }
      if (config.ratios !== undefined) {
        if (!Array.isArray(config.ratios) || config.ratios.length === 0) throw bad('ratios', 'a non-empty list of ratios', config.ratios);
        config.ratios.forEach((r, i) => checkRatio(`ratios[${i}]`, r));
      }
      checkNames('skip', config.skip);
      checkMinLayerParams(config.minLayerParams);
      checkTrainSettings('fineTune', config.fineTune);
      return config;
    }
    default:
      throw bad('method', "'magnitude', 'nm', 'structured' or 'auto'", (config as { method: unknown }).method);
  }
}
