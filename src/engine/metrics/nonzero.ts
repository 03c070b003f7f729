/**
 * Non-zero parameters, read from the stored weights (what a download holds): exact zeros of float
 * weights, and for quantized weights the stored values that dequantize to exactly 0 — the same
 * float32 TF.js computes on load (uint8/uint16: v·scale + min; float16: ±0). Counts the same
 * weights as `paramsOf`: every model weight of a LayersModel, floating-point weights of a GraphModel.
 */
import type { LoadedModel } from '../model/loaded';
import { elementCount, storedBytesPerElement, type WeightSpec } from '../model/manifest';

const FLOAT_DTYPES = new Set(['float32', 'float16', 'complex64']);

/** Byte offset and length of each spec inside the weight data concatenated in manifest order. */
export function weightLayout(specs: readonly WeightSpec[], bytes: Uint8Array): { offset: number; length: number }[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  return specs.map((spec) => {
    const per = storedBytesPerElement(spec);
    let length = 0;
    if (per !== null) length = per * elementCount(spec.shape);
    else {
      // Strings: each element is a little-endian uint32 byte count, then the bytes.
      for (let i = 0; i < elementCount(spec.shape); i++) length += 4 + view.getUint32(at + length, true);
    }
    const entry = { offset: at, length };
    at += length;
    return entry;
  });
}

/** The concatenated weight data of artifacts (one buffer, or several parts). */
export function weightBytes(data: ArrayBuffer | ArrayBuffer[] | undefined): Uint8Array {
  const parts = data === undefined ? [] : Array.isArray(data) ? data : [data];
  if (parts.length === 1) return new Uint8Array(parts[0]);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(new Uint8Array(p), at);
    at += p.byteLength;
  }
  return out;
}

/** Elements of one stored weight that load as something other than 0. */
export function nonZeroElements(spec: WeightSpec, bytes: Uint8Array): number {
  const n = elementCount(spec.shape);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const q = spec.quantization;
  let nonZero = 0;
  if (q?.dtype === 'float16') {
    for (let i = 0; i < n; i++) if ((view.getUint16(2 * i, true) & 0x7fff) !== 0) nonZero++;
  } else if (q?.dtype === 'uint8' || q?.dtype === 'uint16') {
    const scale = q.scale ?? 1;
    const min = q.min ?? 0;
    for (let i = 0; i < n; i++) {
      const v = q.dtype === 'uint8' ? bytes[i] : view.getUint16(2 * i, true);
      if (Math.fround(v * scale + min) !== 0) nonZero++;
    }
  } else if (spec.dtype === 'float32') {
    for (let i = 0; i < n; i++) if (view.getFloat32(4 * i, true) !== 0) nonZero++;
  } else if (spec.dtype === 'int32') {
    for (let i = 0; i < n; i++) if (view.getInt32(4 * i, true) !== 0) nonZero++;
  } else if (spec.dtype === 'complex64') {
    for (let i = 0; i < n; i++) if (view.getFloat32(8 * i, true) !== 0 || view.getFloat32(8 * i + 4, true) !== 0) nonZero++;
  } else if (spec.dtype === 'bool') {
    for (let i = 0; i < n; i++) if (bytes[i] !== 0) nonZero++;
  }
  return nonZero;
}

export function nonZeroParamsOf(loaded: LoadedModel): number {
  const specs = (loaded.prepared.artifacts.weightSpecs ?? []) as WeightSpec[];
  const bytes = weightBytes(loaded.prepared.artifacts.weightData as ArrayBuffer | ArrayBuffer[] | undefined);
  const places = weightLayout(specs, bytes);
  let total = 0;
  specs.forEach((spec, i) => {
    if (spec.group === 'optimizer') return;
    if (loaded.format === 'graph' && !FLOAT_DTYPES.has(spec.dtype)) return;
    total += nonZeroElements(spec, bytes.subarray(places[i].offset, places[i].offset + places[i].length));
  });
  return total;
}
