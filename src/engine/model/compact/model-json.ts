/**
 * A compact model.json: the same model for stock `tf.loadLayersModel` / `tf.loadGraphModel`, in
 * fewer bytes. The Layers topology loses the keys the loader would fill in with the same values
 * (topology.ts); model.json's top level loses what the loaders read as absent (null-valued
 * optional fields) and `trainingConfig` (the loader would compile the model with it: Bonsai never
 * does, and inference does not use it); every number is written in its shortest exact form, with
 * no whitespace (json-text.ts). The weights manifest keeps every key: name, shape and dtype are
 * required by tfjs-core's decodeWeight, and quantization scale/min must decode to the same floats.
 * A GraphModel's GraphDef is kept as it is.
 */
import { compactJsonText } from './json-text';
import { compactLayersTopology } from './topology';

type Obj = Record<string, unknown>;

/** Optional top-level fields tfjs-core's getModelArtifactsForJSONSync treats as absent when null. */
const OPTIONAL_TOP_LEVEL = ['generatedBy', 'convertedBy', 'userDefinedMetadata', 'signature', 'modelInitializer', 'initializerSignature'];

function listsWeights(json: Obj): boolean {
  const manifest = json.weightsManifest;
  return Array.isArray(manifest) && manifest.some((g) => Array.isArray((g as Obj | null)?.weights) && ((g as Obj).weights as unknown[]).length > 0);
}

export function compactModelJson(json: Obj): Obj {
  const out: Obj = { ...json };
  for (const key of OPTIONAL_TOP_LEVEL) if (out[key] === null) delete out[key];
  delete out.trainingConfig;
  // A GraphDef ({node, library, versions}) has no class_name or model_config: it passes unchanged.
  if (out.modelTopology !== undefined) out.modelTopology = compactLayersTopology(json.modelTopology, { hasWeights: listsWeights(json) });
  return out;
}

/** model.json bytes: compact (default) or as JSON.stringify writes the object. */
export function modelJsonBytes(json: Obj, opts: { compact?: boolean } = {}): Uint8Array {
  const text = opts.compact === false ? JSON.stringify(json) : compactJsonText(compactModelJson(json));
  return new TextEncoder().encode(text);
}
