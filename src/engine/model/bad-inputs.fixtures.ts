/**
 * Data-driven table of broken (and tricky-but-valid) imports, built programmatically from the tiny
 * hand-written models. Imported by unit tests AND Playwright e2e tests: no tf, no vitest here.
 */
import type { ErrorCode, Warning } from '../errors';
import type { ImportLimits } from './limits';
import type { InputFile } from './types';
import {
  denseManifest, denseWeightBytes, float32Bytes, functionalModelJson, graphModelJson, jsonFile, modelFiles,
  sequentialModelJson, SHARD, textFile, zipFiles, DENSE, type Json,
} from './valid-models.fixtures';
import { concatBytes } from '../runtime/bytes';

export { VALID_FIXTURES, DENSE } from './valid-models.fixtures';

export type BadInputExpectation = { code: ErrorCode } | { warning: Warning['code'] } | { ok: true };

export interface BadInput {
  id: string;
  description: string;
  files: () => InputFile[];
  expect: BadInputExpectation;
  /** Caps for this case only (e.g. a 1 KB file limit). */
  limits?: Partial<ImportLimits>;
}

const clone = (j: Json): Json => JSON.parse(JSON.stringify(j)) as Json;
/** Deep-edit a copy: `at(json, 'modelTopology.config.layers')`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- fixtures poke at arbitrary JSON
function at(obj: Json, path: string): any {
  return path.split('.').reduce<Record<string, unknown>>((o, k) => o[k] as Record<string, unknown>, obj);
}
function seq(edit: (j: Json) => void): Json {
  const j = clone(sequentialModelJson());
  edit(j);
  return j;
}
function fn(edit: (j: Json) => void): Json {
  const j = clone(functionalModelJson());
  edit(j);
  return j;
}
const weights = (j: Json) => at(j, 'weightsManifest.0.weights') as Json[];
const fnLayers = (j: Json) => at(j, 'modelTopology.config.layers') as Json[];

function withValue(index: number, value: number): Uint8Array {
  const v: number[] = [...DENSE.kernel, ...DENSE.bias];
  v[index] = value;
  return float32Bytes(v);
}

/** 60 weight bytes in 10 shards of 6: by name "shard10of10" sorts before "shard2of10". */
function tenShards(json: Json): InputFile[] {
  const bin = denseWeightBytes();
  const names = Array.from({ length: 10 }, (_, i) => `group1-shard${i + 1}of10.bin`);
  (json.weightsManifest as Json[])[0].paths = names;
  const shards = names.map((path, i) => ({ path, bytes: bin.slice(i * 6, i * 6 + 6) }));
  shards.sort((a, b) => (a.path < b.path ? -1 : 1)); // name order, NOT manifest order
  return [...shards, jsonFile('model.json', json)];
}

/** A real zip whose central directory claims ~3.75 GiB for its one entry (nothing that big exists). */
function zipDeclaringHugeEntry(): InputFile {
  const zip = zipFiles('bomb.zip', [textFile('model.json', 'x'.repeat(200))]).bytes;
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const huge = 0xf000_0000;
  for (let i = 0; i + 46 <= zip.length; i++) {
    const sig = view.getUint32(i, true);
    if (sig === 0x02014b50) view.setUint32(i + 24, huge, true); // central directory: uncompressed size
    if (sig === 0x04034b50) view.setUint32(i + 22, huge, true); // local header: uncompressed size
  }
  return { path: 'bomb.zip', bytes: zip };
}

/** 0x7E00 is a float16 NaN. */
function float16Bytes(bits: number[]): Uint8Array {
  const out = new Uint8Array(bits.length * 2);
  bits.forEach((b, i) => new DataView(out.buffer).setUint16(i * 2, b, true));
  return out;
}

const concat = (...parts: Uint8Array[]): Uint8Array => concatBytes(parts);

const HTML = '<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>\n';
const LFS = 'version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 60\n';

export const BAD_INPUTS: BadInput[] = [
  { id: 'not-json', description: 'model.json is not JSON', expect: { code: 'NOT_JSON' },
    files: () => [textFile('model.json', '{"modelTopology": {'), { path: SHARD, bytes: denseWeightBytes() }] },
  { id: 'json-not-a-model', description: 'JSON that is not a TF.js model', expect: { code: 'NOT_A_MODEL' },
    files: () => [jsonFile('model.json', { name: 'my-package', version: '1.0.0' })] },
  { id: 'unsafe-json-key', description: 'a "__proto__" key inside modelTopology', expect: { code: 'UNSAFE_JSON_KEY' },
    files: () => [textFile('model.json', JSON.stringify(sequentialModelJson()).replace('"keras_version"', '"__proto__":{"polluted":true},"keras_version"')),
      { path: SHARD, bytes: denseWeightBytes() }] },
  { id: 'json-too-deep', description: 'model.json nested 5000 levels deep', expect: { code: 'JSON_TOO_DEEP' },
    files: () => [textFile('model.json', `{"modelTopology":${'['.repeat(5000)}${']'.repeat(5000)}}`)] },
  { id: 'manifest-path-missing', description: 'the manifest names a file that was not selected', expect: { code: 'MISSING_SHARD' },
    files: () => modelFiles(seq((j) => { j.weightsManifest = denseManifest(['weights/dense.bin']); })) },
  { id: 'manifest-path-climbs-out', description: 'the manifest names "../weights.bin", above the model\'s folder', expect: { code: 'SHARD_PATH_OUTSIDE' },
    files: () => modelFiles(seq((j) => { j.weightsManifest = denseManifest(['../weights.bin']); }), undefined, 'tfjs/') },
  { id: 'model-json-without-bin', description: 'model.json dropped without its .bin', expect: { code: 'MISSING_SHARD' },
    files: () => [jsonFile('model.json', sequentialModelJson())] },
  { id: 'graph-without-bin', description: 'GraphModel model.json dropped without its .bin', expect: { code: 'MISSING_SHARD' },
    files: () => [jsonFile('model.json', graphModelJson())] },
  { id: 'no-manifest', description: 'a LayersModel with weights but no weightsManifest', expect: { code: 'MISSING_SHARD' },
    files: () => [jsonFile('model.json', seq((j) => { delete j.weightsManifest; }))] },
  { id: 'shard-too-short', description: 'a truncated .bin', expect: { code: 'SHARD_SIZE_MISMATCH' },
    files: () => modelFiles(sequentialModelJson(), denseWeightBytes().slice(0, 40)) },
  { id: 'shard-too-long', description: 'extra bytes after the last weight', expect: { code: 'SHARD_SIZE_MISMATCH' },
    files: () => modelFiles(sequentialModelJson(), concat(denseWeightBytes(), new Uint8Array(8))) },
  { id: 'shards-name-order', description: '10 shards given in name order (shard10 before shard2): placed in manifest order, loads', expect: { ok: true },
    files: () => tenShards(sequentialModelJson()) },
  { id: 'shard-in-other-folder', description: 'the .bin is in another folder than model.json: matched by name, loads', expect: { ok: true },
    files: () => [jsonFile('tfjs/model.json', sequentialModelJson()), { path: `downloads/${SHARD}`, bytes: denseWeightBytes() }] },
  { id: 'unknown-dtype', description: 'a weight with dtype float64', expect: { code: 'UNKNOWN_DTYPE' },
    files: () => modelFiles(seq((j) => { weights(j)[1].dtype = 'float64'; })) },
  { id: 'unknown-quantization-dtype', description: 'a weight quantized as int4', expect: { code: 'UNKNOWN_DTYPE' },
    files: () => modelFiles(seq((j) => { weights(j)[1].quantization = { dtype: 'int4', scale: 1, min: 0 }; })) },
  { id: 'quantization-without-scale', description: 'uint8 quantization without scale/min', expect: { code: 'BAD_WEIGHT_SPEC' },
    files: () => modelFiles(seq((j) => { weights(j)[0].quantization = { dtype: 'uint8' }; })) },
  { id: 'shape-vs-bytes', description: 'kernel declared [4,4] for a [4,3] layer (so the .bin looks short): a shape error, not a truncated file', expect: { code: 'WEIGHT_SHAPE_MISMATCH' },
    files: () => modelFiles(seq((j) => { weights(j)[0].shape = [4, 4]; })) },
  { id: 'shape-not-integers', description: 'a shape with a fractional dimension', expect: { code: 'BAD_WEIGHT_SPEC' },
    files: () => modelFiles(seq((j) => { weights(j)[0].shape = [4, 2.5]; })) },
  { id: 'shape-negative', description: 'a shape with a negative dimension', expect: { code: 'BAD_WEIGHT_SPEC' },
    files: () => modelFiles(seq((j) => { weights(j)[0].shape = [-4, 3]; })) },
  { id: 'duplicate-weight-name', description: 'two weights with the same name', expect: { code: 'BAD_WEIGHT_SPEC' },
    files: () => modelFiles(seq((j) => { weights(j)[1].name = 'dense/kernel'; })) },
  { id: 'proto-weight-name', description: 'a weight named __proto__', expect: { code: 'UNSAFE_WEIGHT_NAME' },
    files: () => modelFiles(seq((j) => { weights(j)[1].name = '__proto__'; })) },
  { id: 'constructor-weight-name', description: 'a weight named constructor', expect: { code: 'UNSAFE_WEIGHT_NAME' },
    files: () => modelFiles(seq((j) => { weights(j)[0].name = 'constructor'; })) },
  { id: 'string-weight-huge-shape', description: 'a string weight declaring 2^30 strings', expect: { code: 'WEIGHT_TOO_LARGE' },
    files: () => modelFiles(seq((j) => { weights(j).push({ name: 'vocab', shape: [2 ** 30], dtype: 'string' }); })) },
  { id: 'string-weight-overflows', description: 'a string weight whose length prefix runs past the file', expect: { code: 'SHARD_SIZE_MISMATCH' },
    files: () => {
      const prefix = new Uint8Array(4);
      new DataView(prefix.buffer).setUint32(0, 1000, true);
      return modelFiles(seq((j) => { weights(j).push({ name: 'vocab', shape: [1], dtype: 'string' }); }), concat(denseWeightBytes(), prefix, new Uint8Array(8)));
    } },
  { id: 'weight-beyond-cap', description: 'a float32 weight declaring 65536×65536 elements', expect: { code: 'WEIGHT_TOO_LARGE' },
    files: () => modelFiles(seq((j) => { weights(j)[0].shape = [65536, 65536]; })) },
  { id: 'nan-weights', description: 'a NaN in the kernel: warns, still loads', expect: { warning: 'NAN_WEIGHTS' },
    files: () => modelFiles(sequentialModelJson(), withValue(4, NaN)) },
  { id: 'inf-weights', description: '+Inf in the bias: warns, still loads', expect: { warning: 'INF_WEIGHTS' },
    files: () => modelFiles(sequentialModelJson(), withValue(13, Infinity)) },
  { id: 'nan-float16-weights', description: 'a float16-quantized bias holding a NaN: warns, still loads', expect: { warning: 'NAN_WEIGHTS' },
    files: () => modelFiles(seq((j) => { weights(j)[1].quantization = { dtype: 'float16' }; }),
      concat(float32Bytes(DENSE.kernel), float16Bytes([0x3800, 0x7e00, 0x3400]))) },
  { id: 'quantized-weights', description: 'a uint8-quantized kernel: warns, still loads', expect: { warning: 'QUANTIZED_WEIGHTS' },
    files: () => modelFiles(seq((j) => { weights(j)[0].quantization = { dtype: 'uint8', scale: 0.1, min: 0.1 }; }),
      concat(Uint8Array.from(DENSE.kernel.map((_, i) => i)), float32Bytes(DENSE.bias))) },
  { id: 'unknown-layer', description: 'a layer class TF.js does not know', expect: { code: 'UNKNOWN_LAYER' },
    files: () => modelFiles(seq((j) => { at(j, 'modelTopology.config.layers.0').class_name = 'FancyAttention'; })) },
  { id: 'inbound-cycle', description: 'functional inbound_nodes forming a cycle (TF.js would loop forever)', expect: { code: 'BAD_TOPOLOGY' },
    files: () => modelFiles(fn((j) => {
      fnLayers(j)[1].inbound_nodes = [[['act', 0, 0, {}]]];
      fnLayers(j).push({ class_name: 'Activation', name: 'act', config: { name: 'act', activation: 'relu' }, inbound_nodes: [[['dense', 0, 0, {}]]] });
    })) },
  { id: 'inbound-missing-layer', description: 'inbound_nodes referring to a layer that does not exist', expect: { code: 'BAD_TOPOLOGY' },
    files: () => modelFiles(fn((j) => { fnLayers(j)[1].inbound_nodes = [[['ghost', 0, 0, {}]]]; })) },
  { id: 'inbound-bad-node-index', description: 'inbound_nodes using node 3 of a layer called once', expect: { code: 'BAD_TOPOLOGY' },
    files: () => modelFiles(fn((j) => { fnLayers(j)[1].inbound_nodes = [[['input_1', 3, 0, {}]]]; })) },
  { id: 'inbound-keras3-dict', description: 'Keras 3 {args, kwargs} inbound_nodes (TF.js 4.22 cannot read them)', expect: { code: 'BAD_TOPOLOGY' },
    files: () => modelFiles(fn((j) => { fnLayers(j)[1].inbound_nodes = [{ args: [{ class_name: '__keras_tensor__', config: { keras_history: ['input_1', 0, 0] } }], kwargs: {} }]; })) },
  { id: 'output-layer-missing', description: 'output_layers naming a layer that does not exist', expect: { code: 'BAD_TOPOLOGY' },
    files: () => modelFiles(fn((j) => { at(j, 'modelTopology.config').output_layers = [['dense_9', 0, 0]]; })) },
  { id: 'weight-name-mismatch', description: 'manifest weight names that match no layer: TF.js refuses, nothing leaks', expect: { code: 'MODEL_LOAD_FAILED' },
    files: () => modelFiles(seq((j) => { j.weightsManifest = denseManifest([SHARD], ['other/kernel', 'other/bias']); })) },
  { id: 'weight-shape-mismatch', description: 'kernel stored as [3,4] for a [4,3] layer: refused as a shape error, nothing leaks', expect: { code: 'WEIGHT_SHAPE_MISMATCH' },
    files: () => modelFiles(seq((j) => { weights(j)[0].shape = [3, 4]; })) },
  { id: 'graph-unknown-op', description: 'a graph node with an op tfjs-converter cannot run', expect: { code: 'UNSUPPORTED_OP' },
    files: () => modelFiles((() => { const j = clone(graphModelJson()); at(j, 'modelTopology.node.4').op = 'FancyCustomOp'; return j; })()) },
  { id: 'graph-missing-input', description: 'a graph node whose input names no node', expect: { code: 'BAD_TOPOLOGY' },
    files: () => modelFiles((() => { const j = clone(graphModelJson()); at(j, 'modelTopology.node.4').input = ['MatMul', 'bias:0']; return j; })()) },
  { id: 'graph-without-versions', description: 'a graph TF.js fails to build (no versions): nothing leaks', expect: { code: 'MODEL_LOAD_FAILED' },
    files: () => modelFiles((() => { const j = clone(graphModelJson()); delete at(j, 'modelTopology').versions; return j; })()) },
  { id: 'no-model-json', description: 'only .bin files', expect: { code: 'NO_MODEL_JSON' },
    files: () => [{ path: SHARD, bytes: denseWeightBytes() }] },
  { id: 'zip-without-model-json', description: 'a zip holding only a .bin', expect: { code: 'NO_MODEL_JSON' },
    files: () => [zipFiles('weights.zip', [{ path: SHARD, bytes: denseWeightBytes() }])] },
  { id: 'zip-with-two-model-json', description: 'a zip holding two models', expect: { code: 'MULTIPLE_MODEL_JSON' },
    files: () => [zipFiles('two.zip', [...modelFiles(sequentialModelJson(), undefined, 'a/'), ...modelFiles(graphModelJson(), undefined, 'b/')])] },
  { id: 'zip-macos-clutter', description: 'a zip with __MACOSX/ and .DS_Store entries: ignored, loads', expect: { ok: true },
    files: () => [zipFiles('mac.zip', [...modelFiles(sequentialModelJson()), textFile('__MACOSX/._model.json', 'junk'), textFile('.DS_Store', 'junk'), textFile('__MACOSX/model.json', '{}')])] },
  { id: 'zip-huge-declared-size', description: 'a zip whose central directory declares ~3.75 GiB (refused before inflating)', expect: { code: 'ZIP_TOO_LARGE' },
    files: () => [zipDeclaringHugeEntry()] },
  { id: 'zip-corrupt', description: 'a truncated zip', expect: { code: 'ZIP_INVALID' },
    files: () => [{ path: 'model.zip', bytes: zipFiles('model.zip', modelFiles(sequentialModelJson())).bytes.slice(0, 64) }] },
  { id: 'empty-file', description: 'a 0-byte .bin', expect: { code: 'EMPTY_FILE' },
    files: () => modelFiles(sequentialModelJson(), new Uint8Array(0)) },
  { id: 'file-over-limit', description: 'a file over a 1 KB per-file limit', expect: { code: 'FILE_TOO_LARGE' }, limits: { maxFileBytes: 1024 },
    files: () => [...modelFiles(sequentialModelJson()), { path: 'notes.bin', bytes: new Uint8Array(2048) }] },
  { id: 'total-over-limit', description: 'files adding up to more than a 1 KB total limit', expect: { code: 'FILE_TOO_LARGE' }, limits: { maxTotalBytes: 1024 },
    files: () => [...modelFiles(sequentialModelJson()), { path: 'extra1.bin', bytes: new Uint8Array(600) }] },
  { id: 'html-bin', description: 'a .bin that is a saved 404 web page', expect: { code: 'SHARD_IS_HTML' },
    files: () => modelFiles(sequentialModelJson(), new TextEncoder().encode(HTML)) },
  { id: 'lfs-pointer-bin', description: 'a .bin that is a Git LFS pointer', expect: { code: 'SHARD_IS_LFS_POINTER' },
    files: () => modelFiles(sequentialModelJson(), new TextEncoder().encode(LFS)) },
];
