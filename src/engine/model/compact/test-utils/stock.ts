/**
 * Test-only: model files read the way a stranger's code reads them — JSON.parse of model.json, the
 * manifest's shards concatenated in order, handed to stock tf.loadLayersModel / tf.loadGraphModel
 * through tf.io.fromMemory — and the committed samples' files.
 */
import { stockArtifacts } from '../../../techniques/quantize/test-utils/quantize-fixtures';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { loadGraphModel, type GraphModel } from '@tensorflow/tfjs-converter';
import { loadLayersModel, type LayersModel } from '@tensorflow/tfjs-layers';
import { modelJsonBytes } from '../model-json';
import type { InputFile } from '../../types';

const SAMPLES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../../public/samples');

export function sampleFiles(id: string): InputFile[] {
  const dir = path.join(SAMPLES, id);
  return readdirSync(dir).map((f) => ({ path: f, bytes: new Uint8Array(readFileSync(path.join(dir, f))) }));
}

export const modelJsonOf = (files: InputFile[]): Record<string, unknown> =>
  JSON.parse(new TextDecoder().decode(files.find((f) => f.path === 'model.json')!.bytes)) as Record<string, unknown>;

/** The same files with model.json compacted (what Bonsai's writers do by default). */
export function compactFiles(files: InputFile[]): InputFile[] {
  return files.map((f) => (f.path === 'model.json' ? { path: f.path, bytes: modelJsonBytes(modelJsonOf(files)) } : f));
}

const artifactsOf = stockArtifacts;

export type StockModel = { kind: 'layers'; model: LayersModel } | { kind: 'graph'; model: GraphModel };

export async function stockLoad(files: InputFile[]): Promise<StockModel> {
  const isGraph = modelJsonOf(files).format === 'graph-model';
  return isGraph
    ? { kind: 'graph', model: await loadGraphModel(tf.io.fromMemory(artifactsOf(files))) }
    : { kind: 'layers', model: await loadLayersModel(tf.io.fromMemory(artifactsOf(files))) };
}

/** The model's output on x, as float32 bit patterns (so -0 ≠ 0 and NaN payloads count). */
export async function outputBits(m: StockModel, x: tf.Tensor): Promise<Uint32Array> {
  const y = m.model.predict(x) as tf.Tensor;
  try {
    const values = (await y.data()) as Float32Array;
    return new Uint32Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
  } finally {
    y.dispose();
  }
}
