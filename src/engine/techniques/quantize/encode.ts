/**
 * Bonsai's own weight encoder: rewrites a model's weightsManifest and weight bytes so that each
 * float32 weight is stored as the plan says (float32, float16, uint16, uint8 or k clusters on the
 * uint8 grid), in the format stock `tf.loadLayersModel` / `tf.loadGraphModel` decode. Works the
 * same for LayersModels and GraphModels: only the manifest and the bytes change, never the
 * topology. The output has one weight group and one shard, in the input's manifest order.
 *
 * Left alone and listed in `skipped`: int32/bool/string/complex64 weights and optimizer state.
 * Refused: NaN/Inf in a weight to be quantized (named), and re-quantizing an already-quantized
 * weight — its float values are gone and errors would compound. Planning `float32` for such a
 * weight decodes it (to exactly the values TF.js would load), which is the "decode first" step.
 */
import { BonsaiError } from '../../errors';
import type { PreparedModel } from '../../model/loaded';
import type { WeightSpec } from '../../model/manifest';
import { modelJsonBytes } from '../../model/compact/model-json';
import { MODEL_JSON_NAME, WEIGHT_SHARD_NAME } from '../../model/serialize';
import type { InputFile } from '../../model/types';
import { firstNonFinite, quantizeTensorValues, type EncodedValues } from './affine';
import { clusterTensorValues } from './cluster';
import { choiceLabel, type WeightChoice } from './meta';
import { decodeFloatWeight, readStoredWeights, storedDtype } from './weights';
import { concatBytes } from '../../runtime/bytes';

export { quantizeTensorValues, errorBound, affineGrid, type EncodedValues, type Quantization } from './affine';
export { clusterTensorValues, type ClusteredValues } from './cluster';

/** A weight's storage choice; null leaves the weight exactly as stored. */
export type WeightPlan = (weightName: string, spec: WeightSpec) => WeightChoice | null;

export interface PerWeightRow {
  name: string;
  layer?: string;
  /** Storage dtype before, e.g. "float32". */
  from: string;
  /** Storage after: "float32", "float16", "uint16", "uint8" or "16 clusters". */
  to: string;
  bytesBefore: number;
  bytesAfter: number;
  /** Largest |original − stored| over the weight, as TF.js decodes it. */
  maxError: number;
  /** Distinct values stored (clustered weights). */
  distinct?: number;
}

export interface QuantizedFiles {
  files: InputFile[];
  perWeight: PerWeightRow[];
  skipped: { name: string; reason: string }[];
}

export interface EncodeOptions {
  /** k-means++ seed for clustered weights (default 1). */
  seed?: number;
  /** Compact model.json (default true: compact/model-json.ts); false keeps the input's form. */
  compact?: boolean;
}

/** Encode one weight's float32 values for a storage choice. */
export function encodeWeightValues(values: Float32Array, choice: WeightChoice, opts: EncodeOptions = {}): EncodedValues & { distinct?: number } {
  if (typeof choice === 'string') return quantizeTensorValues(values, choice);
  const c = clusterTensorValues(values, choice?.clusters, { seed: opts.seed });
  return { bytes: c.bytes, quantization: c.quantization, maxError: c.maxError, distinct: c.distinct };
}

function alreadyQuantized(spec: WeightSpec, choice: WeightChoice): BonsaiError {
  return new BonsaiError('BAD_CONFIG',
    `Error in quantize: weight "${spec.name}" is already stored as ${spec.quantization!.dtype}; Bonsai does not quantize a quantized weight again (${choiceLabel(choice)} asked), since its float values are gone and the errors would compound.`,
    'Decode it first: run ptq with float32 for this weight (default "float32", or a perLayer override), which writes the values TF.js loads as plain float32; then quantize that variant.');
}

function nonFinite(spec: WeightSpec, values: Float32Array, at: number): BonsaiError {
  let count = 0;
  for (let i = at; i < values.length; i++) if (!Number.isFinite(values[i])) count++;
  return new BonsaiError('JOB_FAILED',
    `Error in quantize: weight "${spec.name}" holds ${count} non-finite value${count === 1 ? '' : 's'} (the first, ${values[at]}, at element ${at}); NaN and infinity cannot be quantized.`,
    `Keep "${spec.name}" as float32 (a perLayer override), or fix the model: a NaN/Inf weight poisons every output that depends on it.`);
}

export function quantizeFiles(prepared: PreparedModel, plan: WeightPlan, opts: EncodeOptions = {}): QuantizedFiles {
  const perWeight: PerWeightRow[] = [];
  const skipped: QuantizedFiles['skipped'] = [];
  const specs: WeightSpec[] = [];
  const parts: Uint8Array[] = [];

  for (const w of readStoredWeights(prepared)) {
    const { spec } = w;
    const choice = plan(spec.name, spec);
    const keep = () => {
      specs.push({ ...spec });
      parts.push(w.bytes);
    };
    if (choice === null) {
      keep();
      continue;
    }
    if (spec.dtype !== 'float32' || spec.group === 'optimizer') {
      skipped.push({
        name: spec.name,
        reason: spec.group === 'optimizer'
          ? 'optimizer state is left as stored'
          : `${storedDtype(spec)} (${spec.dtype}) weights are left as they are: only float32 weights are quantized`,
      });
      keep();
      continue;
    }
    if (spec.quantization && choice !== 'float32') throw alreadyQuantized(spec, choice);
    const values = decodeFloatWeight(w);
    const bad = firstNonFinite(values);
    if (bad >= 0 && !(choice === 'float32' && !spec.quantization)) throw nonFinite(spec, values, bad);
    const encoded = choice === 'float32' && !spec.quantization ? { bytes: w.bytes, maxError: 0 } : encodeWeightValues(values, choice, opts);
    const out: WeightSpec = { name: spec.name, shape: spec.shape, dtype: 'float32' };
    if (spec.group) out.group = spec.group;
    if (encoded.quantization) out.quantization = { ...encoded.quantization } as WeightSpec['quantization'];
    specs.push(out);
    parts.push(encoded.bytes);
    const row: PerWeightRow = {
      name: spec.name,
      from: storedDtype(spec),
      to: choiceLabel(choice),
      bytesBefore: w.bytes.byteLength,
      bytesAfter: encoded.bytes.byteLength,
      maxError: encoded.maxError,
    };
    if (w.layer !== undefined) row.layer = w.layer;
    if ('distinct' in encoded && encoded.distinct !== undefined) row.distinct = encoded.distinct;
    perWeight.push(row);
  }
  return { files: writeFiles(prepared, specs, parts, opts.compact), perWeight, skipped };
}

function writeFiles(prepared: PreparedModel, specs: WeightSpec[], parts: Uint8Array[], compact?: boolean): InputFile[] {
  const shard = concatBytes(parts);
  const hasWeights = specs.length > 0;
  const modelJson = {
    ...prepared.modelJson,
    weightsManifest: [{ paths: hasWeights ? [WEIGHT_SHARD_NAME] : [], weights: specs }],
  };
  const files: InputFile[] = [{ path: MODEL_JSON_NAME, bytes: modelJsonBytes(modelJson, { compact }) }];
  if (hasWeights) files.push({ path: WEIGHT_SHARD_NAME, bytes: shard });
  return files;
}
