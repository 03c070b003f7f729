/**
 * Quantization: label, config types, presets and validation (no tf import: the UI reads this).
 *
 * Weight methods (this folder's encoder): 'ptq' (per-tensor float16 / uint16 / uint8 in the TF.js
 * manifest format), 'cluster' (k-means with centroids on the tensor's uint8 grid) and 'auto'
 * (per-layer choice under an accuracy or fidelity budget). 'equalize', 'simulate' and 'qat' are
 * implemented in equalize*.ts, simulate*.ts and qat*.ts; their config types live here so the UI
 * and the worker see one union.
 */
import { BonsaiError } from '../../errors';
import { checkTrainSettings as checkSettings, DEFAULT_FINE_TUNE, TrainSettingsError, type TrainSettings } from '../../train/meta';
import type { TechniqueMeta } from '../types';

/** How a float32 weight is stored. float32 = unchanged (or decoded, for an already-quantized weight). */
export type WeightPrecision = 'float32' | 'float16' | 'uint16' | 'uint8';
export const WEIGHT_PRECISIONS: readonly WeightPrecision[] = ['float32', 'float16', 'uint16', 'uint8'];

/** One weight's storage choice: a precision, or k-means clusters on the uint8 grid. */
export type WeightChoice = WeightPrecision | { clusters: number };

export { DEFAULT_FINE_TUNE, type TrainSettings };

export const MIN_CLUSTERS = 2;
export const MAX_CLUSTERS = 256;

export interface PtqConfig {
  method: 'ptq';
  default: WeightPrecision;
  /**
   * Overrides by layer name or weight name: an exact name, a glob (`*`, `?`, whole-name match) or
   * a substring. Exact matches win, then globs, then substrings, each in key order.
   */
  perLayer?: Record<string, WeightPrecision>;
}

export interface ClusterConfig {
  method: 'cluster';
  /** Clusters per weight tensor, a whole number in 2..256. */
  k: number;
  /** k per layer / weight-name pattern (same matching as PtqConfig.perLayer). */
  perLayer?: Record<string, number>;
  /** Fine-tune the centroids through the training loop (LayersModels with training data). */
  fineTune?: TrainSettings;
}

export interface AutoConfig {
  method: 'auto';
  /** Largest allowed loss in percentage points: accuracy (labels) or top-1 agreement with the input. */
  budget: { kind: 'accuracy-drop' | 'fidelity-drop'; points: number };
  /** Storage options per layer; default AUTO_DEFAULT_CANDIDATES. Without float32, every layer is compressed. */
  candidates?: WeightChoice[];
}

/** Cross-layer equalization and bias correction, then weight quantization (equalize*.ts). */
export interface EqualizeConfig {
  method: 'equalize';
  then: WeightPrecision;
  biasCorrection: boolean;
}

/** Full-integer (int8) simulation with calibrated activation ranges (simulate*.ts). */
export interface SimulateConfig {
  method: 'simulate';
  calibration: 'minmax' | 'percentile' | 'mse';
  percentile?: number;
  calibrationSize?: number;
}

/** Quantization-aware training: fake-quant with straight-through gradients (qat*.ts). */
export interface QatConfig {
  method: 'qat';
  bits: 8 | 4;
  fineTune: TrainSettings;
}

export type QuantizeConfig = PtqConfig | ClusterConfig | AutoConfig | EqualizeConfig | SimulateConfig | QatConfig;

export const AUTO_DEFAULT_CANDIDATES: WeightChoice[] = ['float32', 'float16', 'uint8', { clusters: 16 }, { clusters: 4 }];

/** Said in every result: what quantized storage does and does not buy in TF.js. */
export const DEQUANTIZE_ON_LOAD_NOTE =
  'TF.js dequantizes weights to float32 when it loads the model: the download (stored and gzip bytes) shrinks, but resident memory and latency stay those of the float32 model.';

export function choiceLabel(c: WeightChoice): string {
  return typeof c === 'string' ? c : `${c.clusters} clusters`;
}

function bad(field: string, message: string, hint: string): BonsaiError {
  return new BonsaiError('BAD_CONFIG', `Error in quantize: ${field} ${message}.`, hint);
}

function checkPrecision(p: unknown, field: string): void {
  if (!WEIGHT_PRECISIONS.includes(p as WeightPrecision)) {
    throw bad(field, `must be one of ${WEIGHT_PRECISIONS.join(', ')}, got ${JSON.stringify(p)}`,
      'TF.js stores weights as float32, float16, uint16 or uint8 (int8 and 4-bit are not in its format).');
  }
}

function checkClusters(k: unknown, field: string): void {
  if (typeof k !== 'number' || !Number.isInteger(k) || k < MIN_CLUSTERS || k > MAX_CLUSTERS) {
    throw bad(field, `must be a whole number from ${MIN_CLUSTERS} to ${MAX_CLUSTERS}, got ${JSON.stringify(k)}`,
      'Clusters are stored as uint8 codes, so at most 256; 16 (≈4 bits a weight) is a good start.');
  }
}

/** Fine-tune settings: the one validator (train/meta.ts), errors named as quantize fields. */
function checkTrainSettings(t: TrainSettings, field: string): void {
  try {
    checkSettings(t, `${field}.`);
  } catch (e) {
    if (e instanceof TrainSettingsError) throw bad(e.field, `must be ${e.expected}, got ${JSON.stringify(e.got) ?? String(e.got)}`, e.hint);
    throw e;
  }
}

export function validateQuantizeConfig(config: QuantizeConfig): QuantizeConfig {
  switch (config.method) {
    case 'ptq':
      checkPrecision(config.default, 'default');
      for (const [key, p] of Object.entries(config.perLayer ?? {})) checkPrecision(p, `perLayer["${key}"]`);
      return config;
    case 'cluster':
      checkClusters(config.k, 'k');
      for (const [key, k] of Object.entries(config.perLayer ?? {})) checkClusters(k, `perLayer["${key}"]`);
      if (config.fineTune) checkTrainSettings(config.fineTune, 'fineTune');
      return config;
    case 'auto': {
      const { kind, points } = config.budget ?? ({} as AutoConfig['budget']);
      if (kind !== 'accuracy-drop' && kind !== 'fidelity-drop') {
        throw bad('budget.kind', `must be "accuracy-drop" or "fidelity-drop", got ${JSON.stringify(kind)}`,
          'Use fidelity-drop when the data has no labels.');
      }
      if (typeof points !== 'number' || !Number.isFinite(points) || points < 0) {
        throw bad('budget.points', `must be a finite number ≥ 0, got ${JSON.stringify(points)}`, 'For example 0.5 (half a percentage point).');
      }
      const candidates = config.candidates ?? AUTO_DEFAULT_CANDIDATES;
      if (candidates.length === 0) throw bad('candidates', 'must list at least one precision', 'For example ["float16", "uint8", {"clusters": 16}].');
      candidates.forEach((c, i) => (typeof c === 'string' ? checkPrecision(c, `candidates[${i}]`) : checkClusters(c?.clusters, `candidates[${i}].clusters`)));
      return config;
    }
    case 'equalize':
      checkPrecision(config.then, 'then');
      return config;
    case 'simulate':
      if (!['minmax', 'percentile', 'mse'].includes(config.calibration)) {
        throw bad('calibration', `must be minmax, percentile or mse, got ${JSON.stringify(config.calibration)}`, 'minmax is the simplest.');
      }
      return config;
    case 'qat':
      if (config.bits !== 8 && config.bits !== 4) throw bad('bits', `must be 8 or 4, got ${JSON.stringify(config.bits)}`, '8 bits is the usual choice.');
      checkTrainSettings(config.fineTune, 'fineTune');
      return config;
    default:
      throw bad('method', `must be ptq, cluster, auto, equalize, simulate or qat, got ${JSON.stringify((config as { method?: unknown }).method)}`,
        'Pick one of the presets.');
  }
}

/** A starting config per method: what the Options form switches to when the method changes. */
export const QUANTIZE_METHOD_DEFAULTS: Record<QuantizeConfig['method'], QuantizeConfig> = {
  ptq: { method: 'ptq', default: 'uint8' },
  cluster: { method: 'cluster', k: 16 },
  auto: { method: 'auto', budget: { kind: 'accuracy-drop', points: 0.5 } },
  equalize: { method: 'equalize', then: 'uint8', biasCorrection: true },
  simulate: { method: 'simulate', calibration: 'percentile', percentile: 99.99, calibrationSize: 512 },
  qat: { method: 'qat', bits: 8, fineTune: DEFAULT_FINE_TUNE },
};

/** Methods that need the Layers topology (they train, or run layer by layer). */
const LAYERS_ONLY: readonly QuantizeConfig['method'][] = ['equalize', 'simulate', 'qat'];

export const QUANTIZE_META: TechniqueMeta<QuantizeConfig> = {
  id: 'quantize',
  label: 'Quantize',
  intro:
    "Weights are written in TF.js's own quantized format, so the file loads with stock tf.loadLayersModel / tf.loadGraphModel. TF.js dequantizes to float32 on load: the download shrinks, memory and latency do not.",
  chartKeys: ['bytesAfter', 'bytesBefore', 'sqnrDb', 'maxError'],
  defaults: { method: 'ptq', default: 'uint8' },
  unavailable: (config, model) =>
    model.format === 'graph' && LAYERS_ONLY.includes(config.method)
      ? `${config.method === 'qat' ? 'Quantization-aware training' : config.method === 'simulate' ? 'int8 simulation' : 'Equalization'} needs a LayersModel; this is a GraphModel.`
      : null,
  recipes: [
    {
      id: 'deep-compression',
      label: 'Deep Compression',
      description:
        'Gradual magnitude pruning to 90% with fine-tuning, then 16-cluster weight sharing stored as plain uint8: a file stock TF.js loads, that gzips to a fraction of float32.',
      steps: [
        { technique: 'prune', config: { method: 'magnitude', sparsity: 0.9, schedule: 'gradual', scope: 'global', fineTune: { ...DEFAULT_FINE_TUNE, epochs: 3 } } },
        { technique: 'quantize', config: { method: 'cluster', k: 16 } },
      ],
    },
    {
      id: 'deep-compression-long',
      label: 'Deep Compression, long fine-tune',
      description:
        'The benchmark’s recipe (F1): gradual magnitude pruning to 96% during a 60-epoch fine-tune from 2e-3 (cosine decay, ±2 px shifts of each image), then 8 shared values per tensor stored as plain uint8. On LeNet-300-100 it measured 55.7× smaller at 0.28 pt test loss (mean of 3 seeds). A shorter fine-tune leaves a 96%-sparse net under-fitting. For image inputs only (the shifts).',
      steps: [
        { technique: 'prune', config: { method: 'magnitude', sparsity: 0.96, schedule: 'gradual', scope: 'global', fineTune: { ...DEFAULT_FINE_TUNE, epochs: 60, learningRate: 0.002, lrSchedule: 'cosine', augment: 'shift' } } },
        { technique: 'quantize', config: { method: 'cluster', k: 8 } },
      ],
    },
  ],
  presets: [
    {
      id: 'float16',
      label: 'float16 — safe',
      description: 'Every float weight stored as float16: half the download, accuracy practically unchanged.',
      config: { method: 'ptq', default: 'float16' },
    },
    {
      id: 'uint8',
      label: 'uint8 — 4× smaller',
      description: 'Per-tensor affine uint8 (zero kept exact): a quarter of the float32 download.',
      config: { method: 'ptq', default: 'uint8' },
    },
    {
      id: 'cluster16',
      label: 'Cluster 16 — smallest',
      description: 'k-means to 16 values per tensor, stored as uint8 codes: gzip shrinks them to about 4 bits a weight.',
      config: { method: 'cluster', k: 16 },
    },
    {
      id: 'auto-0.5',
      label: 'Auto within 0.5 pt',
      description: 'Measures each layer\'s sensitivity and picks per layer the smallest storage that keeps accuracy within 0.5 points.',
      config: { method: 'auto', budget: { kind: 'accuracy-drop', points: 0.5 } },
    },
    {
      id: 'int8-sim',
      label: 'int8 runtime accuracy',
      description: 'A report, not a new model: what a full-integer (int8) runtime would score, with activation ranges calibrated on training examples and per-layer SQNR.',
      config: QUANTIZE_METHOD_DEFAULTS.simulate,
    },
  ],
  validate: validateQuantizeConfig,
};
