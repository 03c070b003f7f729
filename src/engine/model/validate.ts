/**
 * Turn a list of dropped files into a PreparedModel: the exact artifacts TF.js will be given, after
 * every check stock TF.js skips (missing or mis-sized shards, bad specs, unknown layers or ops).
 */
import type * as tf from '@tensorflow/tfjs-core';
import { BonsaiError } from '../errors';
import { parseModelJson } from './json';
import { resolveLimits, type ImportLimits } from './limits';
import type { PreparedModel } from './loaded';
import { readManifest } from './manifest';
import { basename } from './paths';
import { placeWeights } from './shards';
import { checkGraphWeightShapes, validateGraphTopology } from './topology-graph';
import { validateLayersTopology } from './topology-layers';
import type { InputFile, ModelFormat } from './types';
import { scanWeights } from './weight-scan';

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function prepareModel(files: InputFile[], limits?: Partial<ImportLimits>): PreparedModel {
  const lim = resolveLimits(limits);
  const modelFile = findModelJson(files);
  const file = modelFile.path;
  const json = parseModelJson(modelFile.bytes, file, lim.maxJsonDepth);
  const format = detectFormat(json, file);
  if (format === 'layers') validateLayersTopology(json.modelTopology, file);
  else validateGraphTopology(json.modelTopology, file, json.modelInitializer);

  const groups = readManifest(json, file, lim.maxWeightElements);
  if (format === 'graph') checkGraphWeightShapes(json.modelTopology, groups.flatMap((g) => g.weights), file);
  const placed = placeWeights(groups, files, file);
  const warnings = scanWeights(placed.specs, placed.offsets, placed.weightData);

  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: json.modelTopology as object,
    weightSpecs: placed.specs,
    weightData: placed.weightData,
    format: typeof json.format === 'string' ? json.format : undefined,
    generatedBy: typeof json.generatedBy === 'string' ? json.generatedBy : undefined,
    convertedBy: typeof json.convertedBy === 'string' ? json.convertedBy : undefined,
  };
  if (isObject(json.userDefinedMetadata)) artifacts.userDefinedMetadata = json.userDefinedMetadata as Record<string, object>;
  if (format === 'graph') {
    if (isObject(json.signature)) artifacts.signature = json.signature;
    if (isObject(json.modelInitializer)) artifacts.modelInitializer = json.modelInitializer;
    if (isObject(json.initializerSignature)) artifacts.initializerSignature = json.initializerSignature;
  }
  return {
    format,
    modelJsonPath: file,
    modelJsonBytes: modelFile.bytes,
    modelJson: json,
    shards: placed.shards,
    artifacts,
    warnings,
  };
}

/** "model.json" wins; otherwise a lone *.json is taken (e.g. "my_model.json"). */
export function findModelJson(files: InputFile[]): InputFile {
  const named = files.filter((f) => basename(f.path).toLowerCase() === 'model.json');
  if (named.length > 1) {
    throw new BonsaiError(
      'MULTIPLE_MODEL_JSON',
      `More than one model.json was selected: ${named.map((f) => f.path).join(' and ')}.`,
      'Select the files of one model at a time (one model.json with its .bin files).',
      named[1].path,
    );
  }
  if (named.length === 1) return named[0];
  const jsons = files.filter((f) => /\.json$/i.test(f.path));
  if (jsons.length === 1) return jsons[0];
  const seen = files.slice(0, 5).map((f) => f.path).join(', ');
  throw new BonsaiError(
    'NO_MODEL_JSON',
    jsons.length > 1
      ? `No model.json was found, and several .json files could be the model: ${jsons.map((f) => f.path).join(', ')}.`
      : `No model.json was found among the selected files${seen ? ` (${seen}${files.length > 5 ? ', …' : ''})` : ''}.`,
    'Select a TF.js model: its model.json together with its .bin weight files, or a zip holding them.',
    files[0]?.path,
  );
}

export function detectFormat(json: Obj, file: string): ModelFormat {
  const topology = json.modelTopology;
  const notModel = (why: string) =>
    new BonsaiError(
      'NOT_A_MODEL',
      `${file} is JSON but not a TF.js model: ${why}.`,
      'Select the model.json written by the TF.js converter or model.save() (a Keras .h5 or SavedModel must be converted with tensorflowjs_converter first).',
      file,
    );
  if (!isObject(topology)) throw notModel('it has no "modelTopology" object');
  if (json.format === 'graph-model') return 'graph';
  if (json.format === 'layers-model') return 'layers';
  if (Array.isArray(topology.node)) return 'graph';
  if (typeof topology.class_name === 'string' || isObject(topology.model_config)) return 'layers';
  throw notModel('its "modelTopology" is neither a Keras model (class_name/config) nor a graph (node list)');
}
