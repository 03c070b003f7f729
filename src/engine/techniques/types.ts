/**
 * The contract every technique folder implements (DESIGN.md §2, §5). A folder exports:
 *  - `meta.ts`: label, intro, config type, defaults, presets, validation, chart keys — no tf
 *    import, so the UI reads it (the catalog in catalog.ts lists them);
 *  - a `Technique` (meta + run) that the worker registry (registry.ts) lists.
 * A run gets one context: the input model, the data that fits it, a way to open a second model
 * (a teacher), the abort signal, progress, and `emit` for results that arrive as it goes (a
 * scratch baseline, NAS candidates). A result is a **variant** (TF.js files the runner reopens
 * through the same validation as a user's files, then measures) or a **report** (an analysis:
 * sensitivity, int8 simulation) that changes no model.
 */
import type { DatasetSplit } from '../data/types';
import type { LoadedModel } from '../model/loaded';
import type { InputFile, ModelRef } from '../model/types';
import type { TrainHistory } from '../train/meta';

export interface TechniqueData {
  /**
   * Examples to learn from: the dataset's train split without the validation examples. Reshaped
   * to the model's input; ys one-hot, or null when the dataset has no labels.
   */
  train?: DatasetSplit;
  /**
   * Carved from the train split with a fixed seed (engine/pipeline/fit-data.ts): every setting a
   * technique chooses (sparsity, k, temperature…) is chosen here. The test split is never handed
   * to a technique; the runner measures the result on it once.
   */
  validation?: DatasetSplit;
}

export interface TechniquePoint {
  series: string;
  x: number;
  y: number;
  /** What x counts, when it counts steps or epochs (named under the chart's x axis). */
  xUnit?: 'training step' | 'epoch';
}

/** Progress and cancellation: what inner functions (fine-tunes, scans) need of a run's context. */
export interface TechniqueContext {
  signal?: AbortSignal;
  progress(phase: string, done: number, total: number, point?: TechniquePoint): void;
}

/** One row of the per-layer chart/table, e.g. {layer: 'conv1', sparsity: 0.9, bits: 8}. */
export type LayerReportRow = { layer: string } & Record<string, number | string | null>;

/** A new model: TF.js files loadable by stock TF.js, plus what was done to make them. */
export interface VariantOutput {
  /** The variant in TF.js format: model.json + weight shards, loadable by stock TF.js. */
  files: InputFile[];
  /** Suggested name, e.g. "lenet-5 · 90% sparse". */
  name: string;
  /** What was done, in words, e.g. "gradual magnitude pruning to 90% (global), 3 epochs fine-tune". */
  step: string;
  perLayer: LayerReportRow[];
  /** Honest remarks shown beside the numbers (e.g. "TF.js dequantizes on load: latency ≈ unchanged"). */
  notes: string[];
  history?: TrainHistory;
  /**
   * Who this variant is in a run that emits several (e.g. 'student', 'scratch baseline'); the
   * recipe runner chains on the run's returned variant, not on emitted ones.
   */
  role?: string;
}

/** An analysis of the input model: no new model. */
export interface ReportOutput {
  /** E.g. "Sensitivity scan (weights)". */
  title: string;
  step: string;
  perLayer: LayerReportRow[];
  notes: string[];
  /** Headline numbers by name (null = not measurable here, with the reason in `notes`). */
  values?: Record<string, number | null>;
}

export type TechniqueOutput = ({ kind: 'variant' } & VariantOutput) | ({ kind: 'report' } & ReportOutput);

export const variantOutput = (v: VariantOutput): TechniqueOutput => ({ kind: 'variant', ...v });
export const reportOutput = (r: ReportOutput): TechniqueOutput => ({ kind: 'report', ...r });

/** Everything a run gets from the runner. */
export interface RunContext extends TechniqueContext {
  /** The model the step applies to (the previous step's variant inside a recipe). */
  input: LoadedModel;
  data: TechniqueData;
  /**
   * Open another model (e.g. a teacher) by reference. The runner owns it: it is disposed when the
   * run ends, is cancelled or fails.
   */
  resolveModel(ref: ModelRef): Promise<LoadedModel>;
  /**
   * The name the user knows a model by ("lenet-5", a model.json stem, a library name) for the input
   * or a model from resolveModel; undefined when there is none. Never the Keras model name.
   */
  nameOf?(model: LoadedModel): string | undefined;
  /** Hand over a result while the run goes on; the runner measures and saves it like the returned one. */
  emit(output: TechniqueOutput): Promise<void>;
  /**
   * Stream a technique-specific item to the page as it happens (e.g. a NAS candidate that just
   * finished); the technique's own view knows its shape. Absent when nobody listens.
   */
  live?(item: unknown): void;
  /** A persistent key-value cache for this device (the worker keeps it in IndexedDB), e.g. a latency table. */
  cache?: KeyValueCache;
  /** Start a pool of training workers (the browser worker can; absent in Node: pools train in-thread). */
  spawnPool?: PoolFactory;
}

export type { PoolFactory } from './search/candidate-pool';
import type { PoolFactory } from './search/candidate-pool';

export interface KeyValueCache {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
}

/** A method inside a technique folder: one model in, one variant out. */
export type MethodRun<Config> = (
  input: LoadedModel,
  config: Config,
  data: TechniqueData,
  ctx: TechniqueContext,
) => Promise<VariantOutput>;

/** What a technique folder exports to the worker registry. */
export interface Technique<Config> {
  meta: TechniqueMeta<Config>;
  /** The returned output is the step's result; a variant is what the next recipe step runs on. */
  run(ctx: RunContext, config: Config): Promise<TechniqueOutput>;
}

/** What meta.ts exports for each technique: importable by the UI (no tf). */
export interface TechniqueMeta<Config> {
  id: string;
  label: string;
  /** One or two sentences the tab shows first: what the technique does and what it buys. */
  intro: string;
  defaults: Config;
  presets: { id: string; label: string; description: string; config: Config }[];
  /** Multi-step presets (e.g. Deep Compression: prune → cluster), shown beside the presets. */
  recipes?: { id: string; label: string; description: string; steps: { technique: string; config: unknown }[] }[];
  /** Throws BonsaiError('BAD_CONFIG', …) naming the field and the allowed range. */
  validate(config: Config): Config;
  /** Numeric per-layer columns worth charting, in order of preference. */
  chartKeys: string[];
  /**
   * Why this config cannot run on a model with these traits (null when it can): the UI disables
   * such presets with the reason, and picks a default that can run.
   */
  unavailable?(config: Config, model: { format: 'layers' | 'graph' }): string | null;
}
