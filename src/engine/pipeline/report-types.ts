/**
 * What a variant's result card shows, as plain data (no tf import): the UI, the worker protocol,
 * the IndexedDB records and (later) share links all carry these. Unknown is `null` with the
 * reason beside it, never 0.
 */
import type { DeviceProfile } from '../../backend/types';
import type { LayerReportRow } from '../techniques/types';
import type { TrainHistory } from '../train/meta';

export interface TechniqueStep {
  /** A technique id from the catalog (engine/techniques/catalog.ts). */
  technique: string;
  /** The technique's config (validated by its meta in the worker). */
  config: unknown;
}

/** The numbers a result card compares, measured the same way for the parent and the variant. */
export interface VariantMetrics {
  params: number;
  nonZeroParams: number;
  storedBytes: number;
  gzipBytes: number;
  /** null when they could not be counted (`flopsUnknown` says why). */
  flops: number | null;
  flopsUnknown?: string;
  /** Bytes TF.js holds after loading (tf.memory().numBytes growth): dequantized weights are float32. */
  residentBytes: number | null;
  /** Top-1 on the test split; null with `accuracyUnknown` saying why. */
  accuracy: number | null;
  accuracyUnknown?: string;
}

export interface FidelityMeasure {
  agreement: number;
  meanKL: number;
  count: number;
  inputs: 'test split' | 'synthetic (weak: no dataset fits)';
  /** Largest |Δ log-softmax logit| between parent and variant (absent in reports made before it). */
  maxLogitDelta?: number;
  /** Distinct top-1 classes the parent predicts on these inputs, and its most frequent class's share. */
  parentClasses?: number;
  parentTopShare?: number;
  /** The synthetic input distribution chosen because it spread the parent's predictions most. */
  distribution?: string;
  /**
   * Set when agreement cannot discriminate (the parent predicts one class almost everywhere):
   * the reason, shown instead of a percentage. The output distance still stands.
   */
  notMeaningful?: string;
}

export interface LatencyComparison {
  backend: string;
  batchSize: number;
  beforeMs: number;
  afterMs: number;
  /** median over interleaved pairs of (after ÷ before): below 1 means the variant is faster. */
  ratio: number;
  /** Quartiles (p25, p75) of those per-pair ratios; absent in records made before it was kept. */
  ratioSpread?: [number, number];
  /** The device the two were timed on; null when its profile could not be read. */
  device: DeviceProfile | null;
}

export interface VariantReport {
  steps: TechniqueStep[];
  step: string;
  perLayer: LayerReportRow[];
  notes: string[];
  before: VariantMetrics;
  after: VariantMetrics;
  /** The variant against its parent on the same inputs; null with `fidelityUnknown` saying why. */
  fidelity: FidelityMeasure | null;
  fidelityUnknown?: string;
  /** Interleaved A/B latency on the backend that ran the job. */
  latency: LatencyComparison[];
  history?: TrainHistory;
  /** How the data was split for this run, e.g. "7,000 train / 1,000 validation (seed 7) / 2,000 test". */
  data?: string;
  /** The variant's role in a run that made several (e.g. 'student', 'scratch baseline'). */
  role?: string;
}

/** An analysis of one model (a sensitivity scan, an int8 simulation): no new model. */
export interface AnalysisReport {
  title: string;
  step: string;
  perLayer: LayerReportRow[];
  notes: string[];
  values?: Record<string, number | null>;
  data?: string;
}
