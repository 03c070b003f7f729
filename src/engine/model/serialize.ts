/**
 * Write a LayersModel as the files a TF.js export has — model.json (format 'layers-model') and one
 * weight shard — so Bonsai's own import and stock `tf.loadLayersModel` both read it. Training
 * state (optimizer, compile config) is not written: Bonsai compiles models itself. model.json is
 * compact unless asked otherwise (compact/model-json.ts): the same model, fewer bytes.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { BonsaiError } from '../errors';
import { loadPrepared } from './load';
import type { InputFile } from './types';
import { prepareModel } from './validate';
import { concatBytes } from '../runtime/bytes';
import { modelJsonBytes } from './compact/model-json';

export const WEIGHT_SHARD_NAME = 'group1-shard1of1.bin';
export const MODEL_JSON_NAME = 'model.json';

export function concatWeightData(data: tf.io.WeightData | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  return concatBytes(Array.isArray(data) ? data : [data]);
}

/**
 * TF.js 4.22's SeparableConv2D.getConfig() omits depth_multiplier, so a saved model with a
 * multiplier > 1 fails to reload. Restore it from the depthwise kernel's shape [kh, kw, in, mult].
 */
function restoreDepthMultipliers(topology: unknown, specs: tf.io.WeightsManifestEntry[]): void {
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    const layer = node as { class_name?: unknown; config?: Record<string, unknown> };
    if (layer.class_name === 'SeparableConv2D' && layer.config && layer.config.depth_multiplier === undefined) {
      const kernel = specs.find((w) => w.name === `${String(layer.config?.name)}/depthwise_kernel`);
      if (kernel?.shape.length === 4) layer.config.depth_multiplier = kernel.shape[3];
    }
    Object.values(node).forEach(visit);
  };
  visit(topology);
}

export interface SerializeOptions {
  /** Compact model.json (default true); false writes it as TF.js's model.save does. */
  compact?: boolean;
}

/** model.json + group1-shard1of1.bin for this model's topology and current weights. */
export async function serializeLayersModel(model: LayersModel, opts: SerializeOptions = {}): Promise<InputFile[]> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!saved || !saved.modelTopology) {
    throw new BonsaiError('INTERNAL', 'Error in serializeLayersModel: model.save produced no topology.');
  }
  const weights = concatWeightData(saved.weightData);
  restoreDepthMultipliers(saved.modelTopology, saved.weightSpecs ?? []);
  const modelJson: Record<string, unknown> = {
    format: 'layers-model',
    generatedBy: saved.generatedBy ?? 'TensorFlow.js',
    convertedBy: 'Bonsai',
    modelTopology: saved.modelTopology,
    weightsManifest: [{ paths: [WEIGHT_SHARD_NAME], weights: saved.weightSpecs ?? [] }],
  };
  if (saved.userDefinedMetadata) modelJson.userDefinedMetadata = saved.userDefinedMetadata;
  return [
    { path: MODEL_JSON_NAME, bytes: modelJsonBytes(modelJson, opts) },
    { path: WEIGHT_SHARD_NAME, bytes: weights },
  ];
}

/**
 * An independent copy (fresh variables, same weight values) through serialize + load, so a variant
 * never shares weights with its parent. The caller disposes it (`model.dispose()`).
 */
export async function cloneLayersModel(model: LayersModel): Promise<LayersModel> {
  const loaded = await loadPrepared(prepareModel(await serializeLayersModel(model)));
  if (loaded.format !== 'layers') throw new BonsaiError('INTERNAL', 'Error in cloneLayersModel: the copy did not load as a LayersModel.');
  return loaded.model;
}
