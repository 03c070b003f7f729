/**
 * Reading the weights manifest of a prepared model as stored: names, shapes, dtypes and the
 * quantization TF.js will undo on load. Shared by the size and summary metrics.
 */
import type { PreparedModel } from '../model/loaded';

export interface StoredWeight {
  name: string;
  shape: number[];
  /** dtype the tensor has once loaded (the manifest's `dtype`). */
  dtype: string;
  /** Storage dtype when quantized ("uint8", "uint16", "float16"); absent for plain weights. */
  quantizedAs?: string;
  /** "optimizer" for optimizer state saved with the model; absent for model weights. */
  group?: string;
}

interface RawEntry {
  name?: unknown;
  shape?: unknown;
  dtype?: unknown;
  group?: unknown;
  quantization?: { dtype?: unknown } | null;
}

function toStoredWeight(e: RawEntry): StoredWeight | null {
  if (typeof e.name !== 'string' || !Array.isArray(e.shape)) return null;
  const w: StoredWeight = {
    name: e.name,
    shape: e.shape.map(Number),
    dtype: typeof e.dtype === 'string' ? e.dtype : 'float32',
  };
  if (e.quantization && typeof e.quantization.dtype === 'string') w.quantizedAs = e.quantization.dtype;
  if (typeof e.group === 'string') w.group = e.group;
  return w;
}

/** Every weight entry, in manifest order. Prefers model.json's manifest (what is stored). */
export function storedWeights(prepared: PreparedModel): StoredWeight[] {
  const manifest = prepared.modelJson['weightsManifest'];
  const raw: RawEntry[] = [];
  if (Array.isArray(manifest)) {
    for (const group of manifest as { weights?: unknown }[]) {
      if (group && Array.isArray(group.weights)) raw.push(...(group.weights as RawEntry[]));
    }
  } else if (prepared.artifacts.weightSpecs) {
    raw.push(...(prepared.artifacts.weightSpecs as RawEntry[]));
  }
  return raw.map(toStoredWeight).filter((w): w is StoredWeight => w !== null);
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** How a weight's dtype is shown: "float32", or "uint8 (quantized)" when stored quantized. */
export function storedDtypeLabel(w: StoredWeight): string {
  return w.quantizedAs ? `${w.quantizedAs} (quantized)` : w.dtype;
}

/** Distinct quantization dtypes in the manifest, sorted, e.g. ["float16", "uint8"]. */
export function quantizationDtypes(prepared: PreparedModel): string[] {
  const found = new Set<string>();
  for (const w of storedWeights(prepared)) if (w.quantizedAs) found.add(w.quantizedAs);
  return [...found].sort();
}
