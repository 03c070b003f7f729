/**
 * Load a LayersModel exactly as tf.loadLayersModel does (fast zero init, strict weights), without
 * its leaks: TF.js strands the decoded weight tensors when loadWeights throws. So a cheap dry
 * build (zero initializers, no weights) first checks every weight name and shape the way
 * loadWeights will; only a load that cannot fail there is handed to TF.js.
 */
import * as tf from '@tensorflow/tfjs-core';
import { serialization } from '@tensorflow/tfjs-core';
import { loadLayersModel, models, type LayersModel } from '@tensorflow/tfjs-layers';
import { BonsaiError, outOfMemoryError } from '../errors';
import { DEFAULT_IMPORT_LIMITS } from './limits';
import type { PreparedModel } from './loaded';
import type { WeightSpec } from './manifest';

/**
 * Build the topology with zero initializers and check every manifest weight against its layer:
 * names as loadWeights matches them, then shapes (WEIGHT_SHAPE_MISMATCH). Leaves nothing behind.
 */
export async function checkWeightsAgainstLayers(modelTopology: unknown, specs: WeightSpec[], file: string): Promise<void> {
  // The dry model's variables are swept rather than disposed through it: a layer called twice
  // in the graph keeps a reference count above one, and LayersModel.dispose() skips it.
  const dry = await sweepNewVariablesOnFailure(() =>
    models.modelFromJSON({ modelTopology: zeroInitializers(modelTopology) } as never),
  ).catch((e: unknown) => {
    // CappedZeros cannot know the file: name it here.
    if (e instanceof BonsaiError && !e.file) throw new BonsaiError(e.code, `${file}: ${e.message}`, e.hint, file);
    throw e;
  });
  try {
    checkWeights(dry, specs, file);
    writeZerosThroughConstraints(dry, file);
  } finally {
    const registered = tf.engine().registeredVariables;
    for (const w of dry.weights) registered[w.name]?.dispose();
  }
}

export async function loadLayers(p: PreparedModel): Promise<LayersModel> {
  const a = p.artifacts;
  const specs = a.weightSpecs ?? [];
  await checkWeightsAgainstLayers(a.modelTopology, specs, p.modelJsonPath);
  return sweepNewVariablesOnFailure(() =>
    loadLayersModel(
      tf.io.fromMemory({
        modelTopology: a.modelTopology,
        weightSpecs: specs,
        weightData: a.weightData,
        userDefinedMetadata: a.userDefinedMetadata,
        // No trainingConfig: Bonsai compiles models itself, and optimizer state is not loaded.
      }),
      { strict: true },
    ),
  );
}

/** Run a build step; if it throws, dispose every variable it registered (TF.js does not). */
async function sweepNewVariablesOnFailure<T>(step: () => Promise<T>): Promise<T> {
  const before = new Set(Object.keys(tf.engine().registeredVariables));
  try {
    return await step();
  } catch (e) {
    for (const [name, v] of Object.entries(tf.engine().registeredVariables)) {
      if (!before.has(name)) v.dispose();
    }
    throw e;
  }
}

/**
 * The dry build's initializer: zeros, but a weight over the per-weight element cap is refused
 * before it is allocated. Without the cap a topology declaring a Dense of 10^5 × 10^5 units asks
 * the backend for 40 GB (a RangeError on cpu, a wasm heap out of memory, or a tab crash).
 */
class CappedZeros extends serialization.Serializable {
  static className = 'BonsaiCappedZeros';
  getClassName(): string {
    return CappedZeros.className;
  }
  getConfig(): serialization.ConfigDict {
    return {};
  }
  apply(shape: number[], dtype?: tf.DataType): tf.Tensor {
    const elements = shape.reduce((a, b) => a * b, 1);
    if (!(elements <= DEFAULT_IMPORT_LIMITS.maxWeightElements)) {
      throw new BonsaiError(
        'WEIGHT_TOO_LARGE',
        `A layer declares a weight of shape [${shape.join(', ')}], more than the ${DEFAULT_IMPORT_LIMITS.maxWeightElements.toLocaleString('en-US')} elements Bonsai allows per weight.`,
        'This model is too large to optimize in a browser tab, or its topology (units, filters, input shape) is corrupt.',
      );
    }
    return tf.zeros(shape, dtype);
  }
}
serialization.registerClass(CappedZeros);

/** The topology with every *_initializer replaced by CappedZeros: the dry build allocates zeros only, within the cap. */
function zeroInitializers(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(zeroInitializers);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    const isInit = /(_i|I)nitializer$/.test(key) && typeof value === 'object' && value !== null && 'class_name' in value;
    out[key] = isInit ? { class_name: CappedZeros.className, config: {} } : zeroInitializers(value);
  }
  return out;
}

/**
 * loadWeights writes each value through its weight's constraint; a constraint that cannot run (a
 * corrupt or mistyped config) throws there, after every weight tensor was decoded, and TF.js leaks
 * them. Writing zeros here, inside tidy, finds that first.
 */
function writeZerosThroughConstraints(model: LayersModel, file: string): void {
  try {
    tf.tidy(() => {
      for (const w of model.weights) if (w.constraint) w.write(tf.zeros(w.shape as number[], w.dtype));
    });
  } catch (e) {
    throw outOfMemoryError(e, `${file}: checking the weight constraints`, file) ?? mismatch(file, `a weight constraint cannot be applied (${e instanceof Error ? e.message : String(e)})`);
  }
}

/** Mirror LayersModel.loadWeights(weights, strict=true): same name matching, plus shapes. */
function checkWeights(model: LayersModel, specs: WeightSpec[], file: string): void {
  const modelSpecs = specs.filter((s) => s.group !== 'optimizer');
  const total = model.layers.reduce((n, l) => n + l.weights.length, 0);
  if (total > 0 && modelSpecs.length === 0) {
    throw new BonsaiError(
      'MISSING_SHARD',
      `${file} lists no weights, but the model has ${total} weight tensors.`,
      'Export the model again with its weights (model.save() writes model.json and .bin files together); without them TF.js would silently use random weights.',
      file,
    );
  }
  const first = modelSpecs[0]?.name.split('/').pop() ?? '';
  // Keras 3 names weights "layer/0"; TF.js matches those by position. Leave that path to TF.js.
  if (modelSpecs.length === 0 || /^\d+$/.test(first)) return;
  const byName = new Map<string, number[]>();
  const dtypes = new Map<string, string>();
  for (const layer of model.layers) {
    for (const w of layer.weights) {
      if (byName.has(w.originalName)) throw mismatch(file, `two weights are named ${w.originalName}`);
      byName.set(w.originalName, w.shape as number[]);
      dtypes.set(w.originalName, w.dtype);
    }
  }
  for (const spec of modelSpecs) {
    let name = spec.name;
    if (!byName.has(name)) {
      // TF 2.2+ inserts the RNN cell name: "lstm/lstm_cell/kernel" is "lstm/kernel" in TF.js.
      const t = name.split('/');
      name = t.slice(0, -2).concat(t[t.length - 1]).join('/');
    }
    const shape = byName.get(name);
    if (!shape) throw mismatch(file, `the manifest's weight "${spec.name}" matches no weight of the model's layers`);
    if (shape.length !== spec.shape.length || shape.some((d, i) => d !== spec.shape[i])) {
      throw shapeMismatch(file, spec, shape);
    }
    // loadWeights refuses a dtype change only after it has decoded every weight tensor (and leaks them).
    const dtype = dtypes.get(name);
    if (dtype !== spec.dtype) {
      throw mismatch(file, `the manifest stores weight "${spec.name}" as ${spec.dtype}, but its layer holds ${dtype}`);
    }
    byName.delete(name);
  }
  if (byName.size > 0) {
    const names = [...byName.keys()];
    throw mismatch(file, `${names.length} of ${total} layer weights have no values in the manifest: ${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''}`);
  }
}

function shapeMismatch(file: string, spec: WeightSpec, layerShape: number[]): BonsaiError {
  return new BonsaiError(
    'WEIGHT_SHAPE_MISMATCH',
    `${file}: weight "${spec.name}" is declared with shape [${spec.shape.join(', ')}] in the manifest, but its layer expects [${layerShape.join(', ')}].`,
    'The weightsManifest in model.json does not describe these layers (edited by hand, or from another version of the model). Use model.json and the .bin files exported together.',
    file,
  );
}

function mismatch(file: string, what: string): BonsaiError {
  return new BonsaiError(
    'MODEL_LOAD_FAILED',
    `${file}: the weights do not fit the layers: ${what}.`,
    'The weights in the manifest do not match the layers in model.json. Use model.json and the .bin files exported together.',
    file,
  );
}
