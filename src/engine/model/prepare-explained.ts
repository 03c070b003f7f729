/**
 * prepareModel, with one second look: a LayersModel whose weight files do not add up to what the
 * manifest declares is usually not a truncated download at all, but a manifest whose declared
 * shapes disagree with the layers in the same model.json. When the layers say so, that is the
 * error shown (WEIGHT_SHAPE_MISMATCH); otherwise the size error stands.
 */
import { BonsaiError } from '../errors';
import { parseModelJson } from './json';
import { checkWeightsAgainstLayers } from './layers-load';
import { resolveLimits, type ImportLimits } from './limits';
import type { PreparedModel } from './loaded';
import { readManifest } from './manifest';
import type { InputFile } from './types';
import { detectFormat, findModelJson, prepareModel } from './validate';

export async function prepareModelExplained(files: InputFile[], limits?: Partial<ImportLimits>): Promise<PreparedModel> {
  try {
    return prepareModel(files, limits);
  } catch (e) {
    if (e instanceof BonsaiError && e.code === 'SHARD_SIZE_MISMATCH') await throwIfShapesDisagree(files, limits);
    throw e;
  }
}

async function throwIfShapesDisagree(files: InputFile[], limits?: Partial<ImportLimits>): Promise<void> {
  const lim = resolveLimits(limits);
  const modelFile = findModelJson(files);
  const json = parseModelJson(modelFile.bytes, modelFile.path, lim.maxJsonDepth);
  if (detectFormat(json, modelFile.path) !== 'layers') return;
  const specs = readManifest(json, modelFile.path, lim.maxWeightElements).flatMap((g) => g.weights);
  try {
    await checkWeightsAgainstLayers(json.modelTopology, specs, modelFile.path);
  } catch (e) {
    if (e instanceof BonsaiError && e.code === 'WEIGHT_SHAPE_MISMATCH') throw e;
    // Anything else (an unknown layer, unmatched names) does not explain the size: keep the size error.
  }
}
