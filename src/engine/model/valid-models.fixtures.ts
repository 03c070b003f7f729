/**
 * Tiny valid TF.js models written by hand (no tf import: e2e tests import this too). A Dense 4→3
 * as a Sequential and a functional LayersModel, and the same affine map as a GraphModel, with
 * known weights so tests can check outputs computed by hand.
 */
import { zipSync } from 'fflate';
import type { InputFile } from './types';

export type Json = Record<string, unknown>;

/** y = x · KERNEL + BIAS; KERNEL is 4×3, row-major. */
export const DENSE = {
  kernel: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2],
  bias: [0.5, -1, 0.25],
  input: [1, 2, 3, 4],
  // 1·0.1 + 2·0.4 + 3·0.7 + 4·1.0 + 0.5 = 7.5;  1·0.2 + 2·0.5 + 3·0.8 + 4·1.1 − 1 = 7;
  // 1·0.3 + 2·0.6 + 3·0.9 + 4·1.2 + 0.25 = 9.25
  expected: [7.5, 7, 9.25],
} as const;

export const SHARD = 'group1-shard1of1.bin';
const encoder = new TextEncoder();

export function float32Bytes(values: readonly number[]): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return out;
}

/** Kernel then bias, as the manifests below list them. */
export function denseWeightBytes(): Uint8Array {
  return float32Bytes([...DENSE.kernel, ...DENSE.bias]);
}

export function jsonFile(path: string, value: unknown): InputFile {
  return { path, bytes: encoder.encode(JSON.stringify(value)) };
}

export function textFile(path: string, text: string): InputFile {
  return { path, bytes: encoder.encode(text) };
}

function denseConfig(extra: Json = {}): Json {
  return {
    name: 'dense', trainable: true, dtype: 'float32', units: 3, activation: 'linear', use_bias: true,
    kernel_initializer: { class_name: 'Zeros', config: {} }, bias_initializer: { class_name: 'Zeros', config: {} },
    kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null,
    kernel_constraint: null, bias_constraint: null, ...extra,
  };
}

export function denseManifest(paths: string[] = [SHARD], names = ['dense/kernel', 'dense/bias']): Json[] {
  return [{ paths, weights: [
    { name: names[0], shape: [4, 3], dtype: 'float32' },
    { name: names[1], shape: [3], dtype: 'float32' },
  ] }];
}

export function sequentialModelJson(): Json {
  return {
    format: 'layers-model', generatedBy: 'bonsai fixtures', convertedBy: null,
    modelTopology: {
      class_name: 'Sequential', keras_version: 'tfjs-layers 4.22.0', backend: 'tensor_flow.js',
      config: { name: 'tiny_sequential', layers: [{ class_name: 'Dense', config: denseConfig({ batch_input_shape: [null, 4] }) }] },
    },
    weightsManifest: denseManifest(),
  };
}

/** Functional layers: input_1 → dense. Bad cases edit `layers` and the node references. */
export function functionalModelJson(): Json {
  return {
    format: 'layers-model', generatedBy: 'bonsai fixtures', convertedBy: null,
    modelTopology: {
      class_name: 'Model', keras_version: 'tfjs-layers 4.22.0', backend: 'tensor_flow.js',
      config: {
        name: 'tiny_functional',
        layers: [
          { class_name: 'InputLayer', name: 'input_1', inbound_nodes: [],
            config: { batch_input_shape: [null, 4], dtype: 'float32', sparse: false, name: 'input_1' } },
          { class_name: 'Dense', name: 'dense', config: denseConfig(), inbound_nodes: [[['input_1', 0, 0, {}]]] },
        ],
        input_layers: [['input_1', 0, 0]],
        output_layers: [['dense', 0, 0]],
      },
    },
    weightsManifest: denseManifest(),
  };
}

const f32 = { type: 'DT_FLOAT' };
const dims = (...sizes: number[]) => ({ dim: sizes.map((s) => ({ size: String(s) })) });

/** x (Placeholder [-1,4]) → MatMul(W) → AddV2(b) = y: the Dense above as a graph. */
export function graphModelJson(): Json {
  return {
    format: 'graph-model', generatedBy: 'bonsai fixtures', convertedBy: 'hand-written',
    modelTopology: {
      node: [
        { name: 'x', op: 'Placeholder', attr: { dtype: f32, shape: { shape: dims(-1, 4) } } },
        { name: 'W', op: 'Const', attr: { dtype: f32, value: { tensor: { dtype: 'DT_FLOAT', tensorShape: dims(4, 3) } } } },
        { name: 'b', op: 'Const', attr: { dtype: f32, value: { tensor: { dtype: 'DT_FLOAT', tensorShape: dims(3) } } } },
        { name: 'MatMul', op: 'MatMul', input: ['x', 'W'], attr: { T: f32, transpose_a: { b: false }, transpose_b: { b: false } } },
        { name: 'y', op: 'AddV2', input: ['MatMul', 'b'], attr: { T: f32 } },
      ],
      library: {},
      versions: { producer: 1482 },
    },
    weightsManifest: denseManifest([SHARD], ['W', 'b']),
  };
}

export function modelFiles(json: Json, bin: Uint8Array = denseWeightBytes(), dir = ''): InputFile[] {
  return [jsonFile(`${dir}model.json`, json), { path: `${dir}${SHARD}`, bytes: bin }];
}

export function zipFiles(name: string, files: InputFile[]): InputFile {
  const entries: Record<string, Uint8Array> = {};
  for (const f of files) entries[f.path] = f.bytes;
  return { path: name, bytes: zipSync(entries) };
}

export interface ValidFixture {
  description: string;
  format: 'layers' | 'graph';
  files: () => InputFile[];
  /** One batch-1 input and the output computed by hand. */
  input: readonly number[];
  inputShape: readonly number[];
  expected: readonly number[];
}

const dense = { input: DENSE.input, inputShape: [1, 4], expected: DENSE.expected } as const;

export const VALID_FIXTURES = {
  sequential: { description: 'Sequential Dense 4→3', format: 'layers', files: () => modelFiles(sequentialModelJson()), ...dense },
  sequentialZip: { description: 'Sequential Dense 4→3 in a zip (with a model/ folder)', format: 'layers',
    files: () => [zipFiles('tiny-sequential.zip', modelFiles(sequentialModelJson(), undefined, 'model/'))], ...dense },
  functional: { description: 'Functional input → Dense 4→3', format: 'layers', files: () => modelFiles(functionalModelJson()), ...dense },
  graph: { description: 'GraphModel MatMul + AddV2', format: 'graph', files: () => modelFiles(graphModelJson()), ...dense },
  graphZip: { description: 'GraphModel in a zip', format: 'graph', files: () => [zipFiles('tiny-graph.zip', modelFiles(graphModelJson()))], ...dense },
} satisfies Record<string, ValidFixture>;
