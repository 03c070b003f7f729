/**
 * Prune: settings, defaults, presets and validation as plain data (no tf import; the UI reads it).
 * Four methods share one config union: unstructured magnitude pruning (one-shot or gradual, Zhu &
 * Gupta 2017), N:M sparsity along the input dimension, structured filter/unit removal (run by
 * structured.ts), and 'auto', which scans per-layer sensitivity and picks per-layer ratios.
 */
import { BonsaiError } from '../../errors';
import { checkTrainSettings as checkSettings, DEFAULT_FINE_TUNE, TrainSettingsError, type TrainSettings } from '../../train/meta';
import type { TechniqueMeta } from '../types';

export { DEFAULT_FINE_TUNE, type TrainSettings };

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
  /**
   * Filter-shape pruning: every stride-1 'same'-padded Conv2D with a larger odd kernel keeps only
   * its central maxKernelSize×maxKernelSize taps (odd; e.g. 3 turns 5×5 into 3×3). The output keeps
   * its shape, so nothing downstream changes; a conv on few input channels gets cheaper only this way.
   */
  maxKernelSize?: number;
  /** Layer name → its own kernel size (odd), overriding maxKernelSize. */
  kernelSize?: Record<string, number>;
  /**
   * Depth pruning: every Conv2D followed only by a non-overlapping pooling layer takes the pool's
   * stride and a kernel grown to cover its window (5×5 + 2×2 pool → 6×6), and the pooling layer
   * goes (when the output shape stays the same). Fewer layers is what
   * lowers a small model's latency at batch 1, where per-layer overhead dominates.
   */
  foldPooling?: boolean;
  /** Depth pruning: hidden Dense layers merged into the layer after them, counting back from the output. */
  mergeDense?: number;
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

/** A report, not a variant: each layer pruned alone at several ratios, measured on validation. */
export interface SensitivityConfig {
  method: 'sensitivity';
  /** 'magnitude': smallest weights zeroed; 'filters': lowest-norm output units zeroed. */
  scan: 'magnitude' | 'filters';
  /** Ratios probed per layer (default SENSITIVITY_RATIOS). */
  ratios?: number[];
  skip?: string[];
  minLayerParams?: number;
}

export type PruneConfig = MagnitudePruneConfig | NMPruneConfig | StructuredPruneConfig | AutoPruneConfig | SensitivityConfig;
export type PruneMethod = PruneConfig['method'];

/** Ratios the sensitivity scan probes per layer by default. */
export const SENSITIVITY_RATIOS: readonly number[] = [0.25, 0.5, 0.7, 0.8, 0.9, 0.95];

/**
 * Below this many prunable weights a layer is skipped by default: zeroing most of a 72-weight
 * first conv or a 10-unit classifier costs accuracy out of proportion to the bytes it saves.
 */
export const DEFAULT_MIN_LAYER_PARAMS = 1000;

const magnitudeDefaults: MagnitudePruneConfig = {
  method: 'magnitude', sparsity: 0.9, schedule: 'gradual', scope: 'global', fineTune: DEFAULT_FINE_TUNE,
};

/** A starting config per method: what the Options form switches to when the method changes. */
export const PRUNE_METHOD_DEFAULTS: Record<PruneMethod, PruneConfig> = {
  magnitude: magnitudeDefaults,
  nm: { method: 'nm', n: 2, m: 4, fineTune: DEFAULT_FINE_TUNE },
  structured: { method: 'structured', ratio: 0.5, norm: 'l1', fineTune: DEFAULT_FINE_TUNE },
  auto: { method: 'auto', target: { kind: 'accuracy-drop', points: 1 }, fineTune: DEFAULT_FINE_TUNE },
  sensitivity: { method: 'sensitivity', scan: 'magnitude' },
};

/** Why a config cannot run on a GraphModel (inference-only: one-shot magnitude pruning only). */
function unavailableOn(config: PruneConfig, model: { format: 'layers' | 'graph' }): string | null {
  if (model.format !== 'graph') return null;
  if (config.method === 'magnitude' && config.schedule === 'one-shot' && !config.fineTune) return null;
  return 'A GraphModel is inference-only: it supports one-shot magnitude pruning without fine-tuning. Load the LayersModel version for the other methods.';
}

export const PRUNE_META: TechniqueMeta<PruneConfig> = {
  id: 'prune',
  label: 'Prune',
  intro:
    'Unstructured and N:M pruning make weights exactly zero: the exported file gzips smaller, but stock TF.js has no sparse kernels, so latency stays the same. Structured pruning removes whole filters and units and rebuilds a smaller model: it is faster.',
  chartKeys: ['sparsity', 'removedFraction', 'after', 'metric'],
  defaults: magnitudeDefaults,
  unavailable: unavailableOn,
  recipes: [
    {
      id: 'fast-on-this-device',
      label: 'Fast on this device',
      description: 'Structured pruning (half the filters and units, fine-tuned) for a model that really runs faster, then uint8 weights for a 4× smaller download. Two nodes in the tree.',
      steps: [
        { technique: 'prune', config: { method: 'structured', ratio: 0.5, norm: 'l1', fineTune: DEFAULT_FINE_TUNE } },
        { technique: 'quantize', config: { method: 'ptq', default: 'uint8' } },
      ],
    },
    {
      id: 'smallest-download',
      label: 'Smallest download',
      description: 'Auto pruning (the most zeros within 1 pt of accuracy, chosen on validation), then auto precision per layer within 0.5 pt: the smallest gzip that keeps accuracy.',
      steps: [
        { technique: 'prune', config: { method: 'auto', target: { kind: 'accuracy-drop', points: 1 }, fineTune: DEFAULT_FINE_TUNE } },
        { technique: 'quantize', config: { method: 'auto', budget: { kind: 'accuracy-drop', points: 0.5 } } },
      ],
    },
  ],
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
      id: 'slim-fast',
      label: 'Slim for speed',
      description: 'Remove half of the filters/units (smallest L1 norm) and crop 5×5 “same” convolutions to their central 3×3 (filter-shape pruning: a first conv on a grey image gets cheaper only this way), then fine-tune longer. Shows up in latency at batch 1 and large batches.',
      config: { method: 'structured', ratio: 0.5, norm: 'l1', maxKernelSize: 3, fineTune: { ...DEFAULT_FINE_TUNE, epochs: 6 } },
    },
    {
      id: 'fewer-layers',
      label: 'Fewer layers',
      description: 'Depth pruning: fold each pooling layer into its convolution’s stride (the kernel grown to cover the pool’s window) and merge the last hidden Dense layer into the output layer, then fine-tune 30 epochs from 2e-3. At batch 1 a small model’s latency is mostly per-layer overhead, so fewer layers is what makes it faster there. On image data, tick the ±2 px shifts. With both hidden Dense layers merged and the shifts, LeNet-5 measured 2.01× faster at batch 1 and 2.82× at batch 256, 0.4 pt more accurate on test (npm run bench, F3).',
      config: { method: 'structured', ratio: 0, norm: 'l1', foldPooling: true, mergeDense: 1, fineTune: { ...DEFAULT_FINE_TUNE, epochs: 30, learningRate: 0.002, lrSchedule: 'cosine' } },
    },
    {
      id: 'auto-1pt',
      label: 'Auto: within 1 pt',
      description: 'Scan each layer’s sensitivity, pick per-layer sparsities that together cost at most 1 point of accuracy, then fine-tune.',
      config: { method: 'auto', target: { kind: 'accuracy-drop', points: 1 }, fineTune: DEFAULT_FINE_TUNE },
    },
    {
      id: 'one-shot-50',
      label: 'One-shot 50%',
      description: 'Zero the 50% smallest weights at once, without fine-tuning: the one method a GraphModel (inference-only) supports.',
      config: { method: 'magnitude', sparsity: 0.5, schedule: 'one-shot', scope: 'global' },
    },
    {
      id: 'scan',
      label: 'Sensitivity scan',
      description: 'A report, not a new model: each layer pruned alone at 25–95%, measured on the validation split, so you can see which layers tolerate pruning.',
      config: { method: 'sensitivity', scan: 'magnitude' },
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

function checkKernelSize(field: string, x: unknown): void {
  if (x !== undefined && (!isWhole(x) || x < 1 || x % 2 === 0)) throw bad(field, 'an odd whole number ≥ 1 (a kernel with a centre)', x, 'Try 3: 5×5 kernels keep their central 3×3.');
}

function checkMinLayerParams(x: unknown): void {
  if (x !== undefined && (!isWhole(x) || x < 0)) throw bad('minLayerParams', 'a whole number ≥ 0', x);
}

/** Fine-tune settings: the one validator (train/meta.ts), errors named as prune fields. */
export function checkTrainSettings(field: string, t: TrainSettings | undefined): void {
  if (t === undefined) return;
  try {
    checkSettings(t, `${field}.`);
  } catch (e) {
    if (e instanceof TrainSettingsError) throw bad(e.field, e.expected, e.got, e.hint);
    throw e;
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
      checkKernelSize('maxKernelSize', config.maxKernelSize);
      if (config.kernelSize !== undefined) {
        if (typeof config.kernelSize !== 'object' || config.kernelSize === null || Array.isArray(config.kernelSize)) throw bad('kernelSize', 'a map of layer name → odd kernel size', config.kernelSize);
        for (const [name, k] of Object.entries(config.kernelSize)) checkKernelSize(`kernelSize.${name}`, k);
      }
      if (config.foldPooling !== undefined && typeof config.foldPooling !== 'boolean') throw bad('foldPooling', 'true or false', config.foldPooling);
      if (config.mergeDense !== undefined && (!isWhole(config.mergeDense) || config.mergeDense < 0 || config.mergeDense > 8)) {
        throw bad('mergeDense', 'a whole number from 0 to 8 (hidden Dense layers merged, counting back from the output)', config.mergeDense);
      }
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
    case 'sensitivity': {
      if (config.scan !== 'magnitude' && config.scan !== 'filters') throw bad('scan', "'magnitude' or 'filters'", config.scan);
      if (config.ratios !== undefined) {
        if (!Array.isArray(config.ratios) || config.ratios.length === 0) throw bad('ratios', 'a non-empty list of ratios', config.ratios);
        config.ratios.forEach((r, i) => checkRatio(`ratios[${i}]`, r));
      }
      checkNames('skip', config.skip);
      checkMinLayerParams(config.minLayerParams);
      return config;
    }
    default:
      throw bad('method', "'magnitude', 'nm', 'structured', 'auto' or 'sensitivity'", (config as { method: unknown }).method);
  }
}
