/**
 * Per-tensor storage codecs in TF.js's manifest format (decoded by tfjs-core `decodeWeight`):
 *
 * - uint8 / uint16: value = q·scale + min (computed in double, stored as float32), with
 *   q ∈ [0, 2^bits − 1]. As in the TF.js converter (`quantization.py`), the range is first widened
 *   to include 0 and min is nudged to −zeroPoint·scale with an integer zeroPoint, so 0 is exactly
 *   representable: pruned zeros stay exact zeros. Error bound: |x − decoded| ≤ scale/2, where
 *   scale = (max(0, hi) − min(0, lo)) / (2^bits − 1) (the nudge moves the range by ≤ scale/2, so
 *   the clipped ends stay within it), plus float32 rounding of the decoded value (≤ |x|·2⁻²⁴).
 * - float16: no scale/min; round to nearest even, |x − decoded| ≤ max(|x|·2⁻¹¹, 2⁻²⁵).
 */
import { BonsaiError } from '../../errors';
import { float16BitsToFloat32, float32ToFloat16Bits, FLOAT16_MAX, FLOAT16_OVERFLOW } from './float16';
import type { WeightPrecision } from './meta';

export type QuantizedDtype = 'float16' | 'uint16' | 'uint8';

export interface Quantization {
  dtype: QuantizedDtype;
  scale?: number;
  min?: number;
}

export interface EncodedValues {
  /** Stored bytes, little-endian, as the manifest expects. */
  bytes: Uint8Array;
  /** The manifest's `quantization` entry; absent for float32. */
  quantization?: Quantization;
  /** Largest |x − decoded(x)| over the tensor, decoded exactly as TF.js does. */
  maxError: number;
}

export interface AffineGrid {
  scale: number;
  min: number;
  zeroPoint: number;
  levels: number;
}

/** The nudged affine grid of a value range with `levels` codes; 0 is always on it. */
export function affineGrid(lo: number, hi: number, levels: number): AffineGrid {
  const a = Math.min(0, lo);
  const b = Math.max(0, hi);
  if (b === a) return { scale: 1, min: 0, zeroPoint: 0, levels }; // all zeros: any scale decodes 0
  const scale = (b - a) / (levels - 1);
  const zeroPoint = Math.min(levels - 1, Math.max(0, Math.round(-a / scale)));
  // −(zp·scale), not (0 − zp)·scale: the decoder's zp·scale + min is then exactly 0 in double.
  return { scale, min: -(zeroPoint * scale), zeroPoint, levels };
}

export function rangeOf(values: Float32Array): { lo: number; hi: number } {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return values.length === 0 ? { lo: 0, hi: 0 } : { lo, hi };
}

export function codeOf(x: number, g: AffineGrid): number {
  const q = Math.round((x - g.min) / g.scale);
  return q < 0 ? 0 : q > g.levels - 1 ? g.levels - 1 : q;
}

/** What TF.js's decoder yields for code q. */
export function decodeCode(q: number, g: Pick<AffineGrid, 'scale' | 'min'>): number {
  return Math.fround(q * g.scale + g.min);
}

/** Index of the first non-finite value, or -1. */
export function firstNonFinite(values: Float32Array): number {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return i;
  return -1;
}

function encodeAffine(values: Float32Array, bits: 8 | 16): EncodedValues {
  const { lo, hi } = rangeOf(values);
  const g = affineGrid(lo, hi, 2 ** bits);
  const bytes = new Uint8Array(values.length * (bits / 8));
  const view = new DataView(bytes.buffer);
  let maxError = 0;
  for (let i = 0; i < values.length; i++) {
    const q = codeOf(values[i], g);
    if (bits === 8) bytes[i] = q;
    else view.setUint16(2 * i, q, true);
    const err = Math.abs(values[i] - decodeCode(q, g));
    if (err > maxError) maxError = err;
  }
  return { bytes, quantization: { dtype: bits === 8 ? 'uint8' : 'uint16', scale: g.scale, min: g.min }, maxError };
}

function encodeFloat16(values: Float32Array): EncodedValues {
  const bytes = new Uint8Array(values.length * 2);
  const view = new DataView(bytes.buffer);
  let maxError = 0;
  for (let i = 0; i < values.length; i++) {
    const h = float32ToFloat16Bits(values[i]);
    view.setUint16(2 * i, h, true);
    const err = Math.abs(values[i] - float16BitsToFloat32(h));
    if (err > maxError) maxError = err;
  }
  return { bytes, quantization: { dtype: 'float16' }, maxError };
}

/**
 * Encode one float32 tensor's values for the manifest. Throws BAD_CONFIG for an unknown dtype,
 * NaN/Inf values, or float16 values beyond its range (±65504).
 */
export function quantizeTensorValues(values: Float32Array, dtype: WeightPrecision): EncodedValues {
  const at = firstNonFinite(values);
  if (at >= 0) {
    throw new BonsaiError('BAD_CONFIG', `Error in quantizeTensorValues: value ${at} is ${values[at]}; only finite values can be quantized.`,
      'Fix or retrain the model so every weight is a finite number.');
  }
  switch (dtype) {
    case 'float32':
      return { bytes: new Uint8Array(values.slice().buffer), maxError: 0 };
    case 'float16': {
      const { lo, hi } = rangeOf(values);
      if (Math.max(-lo, hi) >= FLOAT16_OVERFLOW) {
        throw new BonsaiError('BAD_CONFIG', `Error in quantizeTensorValues: a value of magnitude ${Math.max(-lo, hi)} exceeds float16's range (±${FLOAT16_MAX}).`,
          'Store this weight as uint16 or uint8 (affine, any range) or keep it float32.');
      }
      return encodeFloat16(values);
    }
    case 'uint16':
      return encodeAffine(values, 16);
    case 'uint8':
      return encodeAffine(values, 8);
    default:
      throw new BonsaiError('BAD_CONFIG', `Error in quantizeTensorValues: dtype must be float32, float16, uint16 or uint8, got ${JSON.stringify(dtype)}.`,
        'TF.js manifests support float16, uint16 and uint8 quantization only.');
  }
}

/** The stated worst case for a dtype (test oracle and report): see the file comment. */
export function errorBound(values: Float32Array, dtype: WeightPrecision): number {
  const { lo, hi } = rangeOf(values);
  const absMax = Math.max(Math.abs(lo), Math.abs(hi));
  const f32Rounding = absMax * 2 ** -24;
  if (dtype === 'float32') return 0;
  if (dtype === 'float16') return Math.max(absMax * 2 ** -11, 2 ** -25);
  const g = affineGrid(lo, hi, dtype === 'uint8' ? 256 : 65536);
  return g.scale / 2 + f32Rounding;
}
