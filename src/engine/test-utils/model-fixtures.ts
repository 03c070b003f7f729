/**
 * Test-only builders of PreparedModel / LoadedModel, independent of the real loader: a LayersModel
 * is saved through `tf.io.withSaveHandler`, a GraphModel is written as GraphDef JSON by hand and
 * loaded from memory. The files are laid out as a TF.js export would be (model.json + one shard).
 */
import * as tf from '@tensorflow/tfjs-core';
import { loadGraphModel } from '@tensorflow/tfjs-converter';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { LoadedModel, PreparedModel } from '../model/loaded';
import { concatWeightData } from '../model/serialize';

const SHARD = 'group1-shard1of1.bin';

/** model.json + shard bytes for these artifacts, as `tf.io` would write them. */
export function prepareFromArtifacts(format: 'layers' | 'graph', artifacts: tf.io.ModelArtifacts): PreparedModel {
  const weights = concatWeightData(artifacts.weightData);
  const modelJson: Record<string, unknown> = {
    format: format === 'layers' ? 'layers-model' : 'graph-model',
    generatedBy: artifacts.generatedBy ?? 'bonsai-tests',
    convertedBy: artifacts.convertedBy ?? null,
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: [SHARD], weights: artifacts.weightSpecs ?? [] }],
  };
  return {
    format,
    modelJsonPath: 'model.json',
    modelJsonBytes: new TextEncoder().encode(JSON.stringify(modelJson)),
    modelJson,
    shards: [{ path: SHARD, bytes: weights }],
    artifacts: { ...artifacts, weightData: weights.buffer as ArrayBuffer },
    warnings: [],
  };
}

export async function prepareLayers(model: LayersModel): Promise<PreparedModel> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!saved) throw new Error('Test fixture: model.save did not call the save handler.');
  return prepareFromArtifacts('layers', saved);
}

/** The model itself (not a reloaded copy) with its prepared files. */
export async function loadedLayers(model: LayersModel): Promise<LoadedModel> {
  return { format: 'layers', model, prepared: await prepareLayers(model) };
}

export interface GraphWeight {
  name: string;
  shape: number[];
  values: number[];
}

/** A GraphDef node, written as TF.js's converter writes model.json. */
export interface GraphNodeDef {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, unknown>;
}

const floatT = { T: { type: 'DT_FLOAT' } };

export function placeholder(name: string, shape: number[]): GraphNodeDef {
  return {
    name,
    op: 'Placeholder',
    attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: { dim: shape.map((d) => ({ size: String(d) })) } } },
  };
}

export function constNode(w: GraphWeight): GraphNodeDef {
  return {
    name: w.name,
    op: 'Const',
    attr: {
      dtype: { type: 'DT_FLOAT' },
      value: { tensor: { dtype: 'DT_FLOAT', tensorShape: { dim: w.shape.map((d) => ({ size: String(d) })) } } },
    },
  };
}

export function opNode(name: string, op: string, input: string[], attr: Record<string, unknown> = {}): GraphNodeDef {
  return { name, op, input, attr: { ...floatT, ...attr } };
}

/** Prepare and load a GraphModel from nodes and float32 weights (one Const node per weight). */
export async function loadedGraph(nodes: GraphNodeDef[], weights: GraphWeight[]): Promise<LoadedModel> {
  const data = new Float32Array(weights.flatMap((w) => w.values));
  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: { node: [...weights.map(constNode), ...nodes], versions: { producer: 1 } },
    format: 'graph-model',
    weightSpecs: weights.map((w) => ({ name: w.name, shape: w.shape, dtype: 'float32' as const })),
    weightData: data.buffer,
  };
  const prepared = prepareFromArtifacts('graph', artifacts);
  const model = await loadGraphModel(tf.io.fromMemory(prepared.artifacts));
  return { format: 'graph', model, prepared };
}
