/**
 * Model files for the engine figures: the committed samples, their sizes (stored and gzip), opening
 * them through Bonsai's validator, accuracy (Bonsai's loader and stock TF.js), and technique runs.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { DatasetSplit } from '../../../src/engine/data/types';
import { evaluateAccuracy } from '../../../src/engine/metrics/accuracy';
import { gzipSize } from '../../../src/engine/metrics/size';
import { disposeLoaded, loadPrepared } from '../../../src/engine/model/load';
import type { LoadedModel } from '../../../src/engine/model/loaded';
import type { InputFile } from '../../../src/engine/model/types';
import { prepareModel } from '../../../src/engine/model/validate';
import type { TechniqueData } from '../../../src/engine/techniques/types';
import { ROOT, runTechnique, type Ctx, type PruneRunConfig, type QuantizeRunConfig } from './common';

// ---------------------------------------------------------------- files, sizes

export function sampleFiles(id: string): InputFile[] {
  const dir = path.join(ROOT, 'public/samples', id);
  return readdirSync(dir).map((f) => ({ path: f, bytes: new Uint8Array(readFileSync(path.join(dir, f))) }));
}

/** The model.json among a model's files. */
export function modelJson(files: InputFile[]): InputFile {
  return files.find((f) => f.path === 'model.json')!;
}

export function storedBytes(files: InputFile[]): number {
  return files.reduce((n, f) => n + f.bytes.byteLength, 0);
}

/** gzip -9 of model.json and each shard, file by file (what a browser downloads). */
export function gzipBytes(files: InputFile[]): number {
  return files.reduce((n, f) => n + gzipSize(f.bytes), 0);
}

export function sizeOf(files: InputFile[]) {
  return { storedBytes: storedBytes(files), gzipBytes: gzipBytes(files) };
}

// ---------------------------------------------------------------- loading, accuracy

export async function open(files: InputFile[]): Promise<LoadedModel> {
  return loadPrepared(prepareModel(files));
}

/** Accuracy of exported files reopened through Bonsai's validator (what the app loads). */
export async function accuracyOfFiles(files: InputFile[], test: DatasetSplit): Promise<number> {
  const loaded = await open(files);
  try {
    return (await evaluateAccuracy(loaded, test)).accuracy;
  } finally {
    disposeLoaded(loaded);
  }
}

/** A committed sample's files and its accuracy on the validation and the test split. */
export async function baseline(sample: string, c: Ctx): Promise<{ base: InputFile[]; baseVal: number; baseTest: number }> {
  const base = sampleFiles(sample);
  return { base, baseVal: await accuracyOfFiles(base, c.validation), baseTest: await accuracyOfFiles(base, c.test) };
}

/** Accuracy with stock TF.js: tf.loadLayersModel(tf.io.fromMemory(model.json + shards)). */
export async function stockAccuracy(files: InputFile[], test: DatasetSplit): Promise<number> {
  const byName = new Map(files.map((f) => [path.basename(f.path), f.bytes]));
  const json = JSON.parse(new TextDecoder().decode(byName.get('model.json')));
  const weightSpecs = json.weightsManifest.flatMap((g: { weights: unknown[] }) => g.weights);
  const parts = json.weightsManifest.flatMap((g: { paths: string[] }) => g.paths.map((p) => byName.get(path.basename(p))));
  if (parts.some((p: Uint8Array | undefined) => !p)) throw new Error('stockAccuracy: a shard named in the manifest is missing');
  const total = parts.reduce((n: number, p: Uint8Array) => n + p.byteLength, 0);
  const weightData = new Uint8Array(total);
  let off = 0;
  for (const p of parts as Uint8Array[]) {
    weightData.set(p, off);
    off += p.byteLength;
  }
  const model = await tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData: weightData.buffer }));
  try {
    let correct = 0;
    for (let start = 0; start < test.count; start += 500) {
      const size = Math.min(500, test.count - start);
      const hits = tf.tidy(() => {
        const out = model.predict(tf.slice(test.xs, start, size)) as tf.Tensor;
        return tf.sum(tf.cast(tf.equal(tf.argMax(out, -1), tf.argMax(tf.slice(test.ys!, start, size), -1)), 'int32'));
      });
      correct += (await hits.data())[0];
      hits.dispose();
    }
    return correct / test.count;
  } finally {
    model.dispose();
  }
}

// ---------------------------------------------------------------- technique runs (through runTechnique)

/** Prune `baseFiles` (fine-tuning on `data.train`; `data.validation` is the only other split it may see). */
export async function prune(baseFiles: InputFile[], config: PruneRunConfig, data: TechniqueData): Promise<InputFile[]> {
  const input = await open(baseFiles);
  try {
    return await runTechnique('prune', input, config, data);
  } finally {
    disposeLoaded(input);
  }
}

export async function quantize(files: InputFile[], config: QuantizeRunConfig, data: TechniqueData = {}): Promise<InputFile[]> {
  const input = await open(files);
  try {
    return await runTechnique('quantize', input, config, data);
  } finally {
    disposeLoaded(input);
  }
}

/** The splits a technique may use: fine-tune on train, choose on validation; never the test split. */
export const fitData = (c: Ctx): TechniqueData => ({ train: c.train, validation: c.validation });
