/** Test-only helpers for the prune tests: reading weights back out of result files. */
import * as tfl from '@tensorflow/tfjs-layers';
import * as tf from '@tensorflow/tfjs-core';
import { weightBytes, weightLayout } from '../../../metrics/nonzero';
import type { WeightSpec } from '../../../model/manifest';
import type { InputFile } from '../../../model/types';
import { prepareModel } from '../../../model/validate';

/** Every float32 weight in the files, by manifest name. */
export function storedFloats(files: InputFile[]): Map<string, Float32Array> {
  const p = prepareModel(files);
  const specs = (p.artifacts.weightSpecs ?? []) as WeightSpec[];
  const bytes = weightBytes(p.artifacts.weightData as ArrayBuffer);
  const places = weightLayout(specs, bytes);
  const out = new Map<string, Float32Array>();
  specs.forEach((s, i) => {
    if (s.dtype === 'float32' && !s.quantization) out.set(s.name, new Float32Array(bytes.slice(places[i].offset, places[i].offset + places[i].length).buffer));
  });
  return out;
}

export function zeros(a: ArrayLike<number>): number {
  let z = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === 0) z++;
  return z;
}

/** The files loaded by stock TF.js (tf.loadLayersModel on tf.io.fromMemory), as tfjs-layers reads them. */
export async function stockLoad(files: InputFile[]): Promise<tfl.LayersModel> {
  return tfl.loadLayersModel(tf.io.fromMemory(prepareModel(files).artifacts));
}
