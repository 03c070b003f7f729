/**
 * Check weightsManifest entries before any bytes are read: structure, names, dtypes, shapes,
 * element caps and bytes per element. Stock TF.js trusts all of these and fails late or silently.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { BonsaiError } from '../errors';
import { UNSAFE_KEYS } from './json';

export type WeightSpec = tf.io.WeightsManifestEntry;

export interface ManifestGroup {
  paths: string[];
  weights: WeightSpec[];
}

export const WEIGHT_DTYPES = ['float32', 'int32', 'bool', 'string', 'complex64'] as const;
export const QUANTIZATION_DTYPES = ['uint8', 'uint16', 'float16'] as const;

/** Bytes per element as stored; null for string (variable length). */
export function storedBytesPerElement(spec: WeightSpec): number | null {
  const q = spec.quantization?.dtype;
  if (q === 'uint8') return 1;
  if (q === 'uint16' || q === 'float16') return 2;
  switch (spec.dtype) {
    case 'float32':
    case 'int32':
      return 4;
    case 'bool':
      return 1;
    case 'complex64':
      return 8;
    default:
      return null;
  }
}

export function elementCount(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Validate model.json's weightsManifest; an absent manifest means a model without weights. */
export function readManifest(
  json: Record<string, unknown>,
  file: string,
  maxWeightElements: number,
): ManifestGroup[] {
  const raw = json.weightsManifest;
  if (raw === undefined || raw === null) return [];
  const bad = (message: string, hint = 'Re-export the model with the TF.js converter or model.save().') =>
    new BonsaiError('BAD_WEIGHT_SPEC', `${file}: ${message}`, hint, file);
  if (!Array.isArray(raw)) throw bad('"weightsManifest" must be an array of {paths, weights} groups.');
  const seen = new Set<string>();
  return raw.map((group, gi): ManifestGroup => {
    if (!isObject(group) || !Array.isArray(group.paths) || !Array.isArray(group.weights)) {
      throw bad(`weightsManifest[${gi}] must have a "paths" array and a "weights" array.`);
    }
    for (const p of group.paths) {
      if (typeof p !== 'string' || p.trim() === '') {
        throw bad(`weightsManifest[${gi}].paths must hold non-empty file names.`);
      }
    }
    if (group.weights.length > 0 && group.paths.length === 0) {
      throw bad(`weightsManifest[${gi}] lists weights but no weight files.`);
    }
    const weights = group.weights.map((w, wi) => {
      const spec = checkSpec(w, `weightsManifest[${gi}].weights[${wi}]`, file, maxWeightElements);
      if (seen.has(spec.name)) throw bad(`the weight "${spec.name}" is listed twice.`);
      seen.add(spec.name);
      return spec;
    });
    return { paths: group.paths as string[], weights };
  });
}

function checkSpec(w: unknown, where: string, file: string, maxElements: number): WeightSpec {
  const hint = 'Re-export the model with the TF.js converter or model.save(); the manifest was edited or corrupted.';
  const bad = (message: string) => new BonsaiError('BAD_WEIGHT_SPEC', `${file}: ${where} ${message}`, hint, file);
  if (!isObject(w)) throw bad('is not an object.');
  const { name, shape, dtype, quantization } = w;
  if (typeof name !== 'string' || name === '') throw bad('has no name.');
  if (UNSAFE_KEYS.has(name)) {
    throw new BonsaiError(
      'UNSAFE_WEIGHT_NAME',
      `${file}: the weight name "${name}" is not allowed (it would alter object prototypes inside TF.js).`,
      'A genuine model never uses this name. Check where the file came from, or rename the weight and re-export.',
      file,
    );
  }
  if (!WEIGHT_DTYPES.includes(dtype as never)) {
    throw new BonsaiError(
      'UNKNOWN_DTYPE',
      `${file}: weight "${name}" has dtype ${JSON.stringify(dtype)}; TF.js supports ${WEIGHT_DTYPES.join(', ')}.`,
      'Convert the model again with a dtype TF.js supports (e.g. cast int64/float64 to int32/float32 before converting).',
      file,
    );
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new BonsaiError(
      'BAD_WEIGHT_SPEC',
      `${file}: weight "${name}" has shape ${JSON.stringify(shape)}; expected an array of non-negative integers.`,
      hint,
      file,
    );
  }
  let elements = 1;
  for (const d of shape as number[]) {
    elements *= d;
    if (elements > maxElements && !(shape as number[]).includes(0)) {
      throw new BonsaiError(
        'WEIGHT_TOO_LARGE',
        `${file}: weight "${name}" declares shape [${(shape as number[]).join(', ')}], more than the ${maxElements.toLocaleString('en-US')} elements Bonsai allows per weight.`,
        'This model is too large to optimize in a browser tab, or its manifest is corrupt.',
        file,
      );
    }
  }
  const spec: WeightSpec = { name, shape: shape as number[], dtype: dtype as WeightSpec['dtype'] };
  if (w.group !== undefined) {
    if (w.group !== 'model' && w.group !== 'optimizer') throw bad(`has group ${JSON.stringify(w.group)}.`);
    spec.group = w.group;
  }
  if (quantization !== undefined) spec.quantization = checkQuantization(quantization, spec, file, bad);
  return spec;
}

function checkQuantization(
  q: unknown,
  spec: WeightSpec,
  file: string,
  bad: (m: string) => BonsaiError,
): NonNullable<WeightSpec['quantization']> {
  if (!isObject(q)) throw bad('has a "quantization" that is not an object.');
  const qd = q.dtype;
  if (!QUANTIZATION_DTYPES.includes(qd as never)) {
    throw new BonsaiError(
      'UNKNOWN_DTYPE',
      `${file}: weight "${spec.name}" is quantized as ${JSON.stringify(qd)}; TF.js supports ${QUANTIZATION_DTYPES.join(', ')}.`,
      'Re-quantize with the TF.js converter (--quantize_uint8, --quantize_uint16 or --quantize_float16).',
      file,
    );
  }
  if (qd === 'float16') {
    if (spec.dtype !== 'float32') throw bad(`is float16-quantized but has dtype ${spec.dtype} (only float32 can be).`);
    return { dtype: 'float16' };
  }
  if (spec.dtype !== 'float32' && spec.dtype !== 'int32') {
    throw bad(`is ${String(qd)}-quantized but has dtype ${spec.dtype} (only float32 or int32 can be).`);
  }
  const { scale, min } = q;
  if (typeof scale !== 'number' || !Number.isFinite(scale) || typeof min !== 'number' || !Number.isFinite(min)) {
    throw bad(`needs finite numbers "scale" and "min" for ${String(qd)} quantization.`);
  }
  return { dtype: qd as 'uint8' | 'uint16', scale, min };
}
