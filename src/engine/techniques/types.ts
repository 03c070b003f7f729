/**
 * The contract every technique folder implements (DESIGN.md §2): `meta.ts` (label, config type,
 * defaults, presets, validation — no tf import, the UI imports it) and `run.ts` (the worker calls
 * it). A run takes the open model and the data that fits it, and returns a new model as TF.js files
 * — which the worker reopens through the same validation as a user's files — plus a report.
 */
import type { DatasetSplit } from '../data/types';
import type { LoadedModel } from '../model/loaded';
import type { InputFile } from '../model/types';
import type { TrainHistory } from '../train/meta';

export interface TechniqueData {
  /** Reshaped to the model's input; ys one-hot, or null when the dataset has no labels. */
  train?: DatasetSplit;
  validation?: DatasetSplit;
}

export interface TechniquePoint {
  series: string;
  x: number;
  y: number;
}

export interface TechniqueContext {
  signal?: AbortSignal;
  progress(phase: string, done: number, total: number, point?: TechniquePoint): void;
}

/** One row of the per-layer chart/table, e.g. {layer: 'conv1', sparsity: 0.9, bits: 8}. */
export type LayerReportRow = { layer: string } & Record<string, number | string | null>;

export interface TechniqueResult {
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
}

export type TechniqueRun<Config> = (
  input: LoadedModel,
  config: Config,
  data: TechniqueData,
  ctx: TechniqueContext,
) => Promise<TechniqueResult>;

/** What meta.ts exports for each technique: importable by the UI (no tf). */
export interface TechniqueMeta<Config> {
  id: string;
  label: string;
  defaults: Config;
  presets: { id: string; label: string; description: string; config: Config }[];
  /** Throws BonsaiError('BAD_CONFIG', …) naming the field and the allowed range. */
  validate(config: Config): Config;
}
