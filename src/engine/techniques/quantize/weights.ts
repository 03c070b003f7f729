/**
 * Reading a prepared model's weights as stored: each entry's bytes (in manifest order) and, for
 * float weights, its float32 values decoded exactly as TF.js decodes them. No tensors.
 */
import { BonsaiError } from '../../errors';
import type { PreparedModel } from '../../model/loaded';
import { elementCount, storedBytesPerElement, type WeightSpec } from '../../model/manifest';
import { float16BitsToFloat32 } from './float16';
import { concatBytes } from '../../runtime/bytes';

export interface StoredWeightBytes {
  spec: WeightSpec;
  /** The weight's stored bytes (a view into the model's weight data). */
  bytes: Uint8Array;
  /** Layer the weight belongs to (LayersModels: the name before the last "/"). */
  layer?: string;
}

function weightData(prepared: PreparedModel): Uint8Array {
  const data = prepared.artifacts.weightData;
  if (data === undefined) return new Uint8Array(0);
  return Array.isArray(data) ? concatBytes(data) : new Uint8Array(data);
}

/** Layer of a weight: "dense_1/kernel" → "dense_1" in a LayersModel; GraphModels have none. */
export function layerOfWeight(format: PreparedModel['format'], name: string): string | undefined {
  if (format !== 'layers') return undefined;
  const cut = name.lastIndexOf('/');
  return cut > 0 ? name.slice(0, cut) : name;
}

export function readStoredWeights(prepared: PreparedModel): StoredWeightBytes[] {
  const data = weightData(prepared);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let at = 0;
  return (prepared.artifacts.weightSpecs ?? []).map((spec) => {
    const n = elementCount(spec.shape);
    const bpe = storedBytesPerElement(spec);
    let end: number;
    if (bpe !== null) end = at + n * bpe;
    else {
      end = at; // strings: each a uint32 length, then its bytes
      for (let i = 0; i < n; i++) end += 4 + view.getUint32(end, true);
    }
    if (end > data.byteLength) {
      throw new BonsaiError('INTERNAL', `Error in readStoredWeights: weight "${spec.name}" ends at byte ${end}, past the ${data.byteLength} weight bytes.`);
    }
    const w: StoredWeightBytes = { spec, bytes: data.subarray(at, end), layer: layerOfWeight(prepared.format, spec.name) };
    at = end;
    return w;
  });
}

/** Storage dtype as the user sees it: "float32", "int32", "uint8 (quantized)" → "uint8". */
export function storedDtype(spec: WeightSpec): string {
  return spec.quantization?.dtype ?? spec.dtype;
}

/** float32 values of a float32 weight (plain or quantized), as TF.js would decode them. */
export function decodeFloatWeight(w: StoredWeightBytes): Float32Array {
  const { spec, bytes } = w;
  const n = elementCount(spec.shape);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(n);
  const q = spec.quantization;
  if (!q) {
    for (let i = 0; i < n; i++) out[i] = view.getFloat32(4 * i, true);
  } else if (q.dtype === 'float16') {
    for (let i = 0; i < n; i++) out[i] = float16BitsToFloat32(view.getUint16(2 * i, true));
  } else {
    const scale = q.scale ?? 1;
    const min = q.min ?? 0;
    for (let i = 0; i < n; i++) out[i] = (q.dtype === 'uint8' ? bytes[i] : view.getUint16(2 * i, true)) * scale + min;
  }
  return out;
}
