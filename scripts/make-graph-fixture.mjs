#!/usr/bin/env node
/**
 * Write a small but real TF.js GraphModel fixture to public/samples/mlp-graph/ (model.json +
 * group1-shard1of1.bin) and add it to public/samples/index.json with format 'graph', fixture: true.
 *
 * It is LeNet-300-100 (public/samples/lenet-300-100, from scripts/train-samples.mjs) re-expressed
 * as a hand-written GraphDef in the converter's JSON encoding, with the trained weights copied
 * byte for byte (no TF.js needed here):
 *
 *   input: Placeholder float32 [-1, 784]
 *   → MatMul(fc1 kernel 784×300) → BiasAdd(fc1 bias) → Relu
 *   → MatMul(fc2 kernel 300×100) → BiasAdd(fc2 bias) → Relu
 *   → MatMul(fc3 kernel 100×10)  → BiasAdd(fc3 bias) → Softmax → Identity
 *
 * Signature: inputs {input: "input:0"}, outputs {fc3: "Identity:0"}. Input is a flattened image
 * (mnistTensors(..., {flatten: true})); its predictions equal the LayersModel's
 * (scripts/make-graph-fixture.test.ts checks this on 100 test images, cpu and wasm).
 *
 * Usage: node scripts/make-graph-fixture.mjs   (rerun after retraining lenet-300-100)
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readIndex, SAMPLES_DIR, writeIndex } from './samples-index.mjs';

const SOURCE_ID = 'lenet-300-100';
const ID = 'mlp-graph';
const SHARD = 'group1-shard1of1.bin';
const SCOPE = 'lenet_300_100';

const srcDir = path.join(SAMPLES_DIR, SOURCE_ID);
const src = JSON.parse(readFileSync(path.join(srcDir, 'model.json'), 'utf8'));
if (src.format !== 'layers-model' || src.weightsManifest.length !== 1 || src.weightsManifest[0].paths.length !== 1) {
  throw new Error(`${SOURCE_ID}: expected a single-shard layers-model`);
}
const srcShard = readFileSync(path.join(srcDir, src.weightsManifest[0].paths[0]));

// Locate each source weight in the shard (all float32, in manifest order).
const srcWeights = new Map();
let offset = 0;
for (const w of src.weightsManifest[0].weights) {
  if (w.dtype !== 'float32' || w.quantization) throw new Error(`${SOURCE_ID}: ${w.name} is not plain float32`);
  const bytes = 4 * w.shape.reduce((a, b) => a * b, 1);
  srcWeights.set(w.name, { shape: w.shape, bytes: srcShard.subarray(offset, offset + bytes) });
  offset += bytes;
}
if (offset !== srcShard.length) throw new Error(`${SOURCE_ID}: shard is ${srcShard.length} bytes, manifest says ${offset}`);

const dims = (shape) => ({ dim: shape.map((s) => ({ size: String(s) })) });
const T = { T: { type: 'DT_FLOAT' } };
const nodes = [
  {
    name: 'input',
    op: 'Placeholder',
    attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: dims([-1, 784]) } },
  },
];
const weightSpecs = [];
const shardParts = [];
let prev = 'input';
const layers = ['fc1', 'fc2', 'fc3'];
for (const layer of layers) {
  const kernel = srcWeights.get(`${layer}/kernel`);
  const bias = srcWeights.get(`${layer}/bias`);
  if (!kernel || !bias) throw new Error(`${SOURCE_ID}: ${layer}/kernel or ${layer}/bias is missing`);
  const kName = `${SCOPE}/${layer}/MatMul/ReadVariableOp`;
  const bName = `${SCOPE}/${layer}/BiasAdd/ReadVariableOp`;
  for (const [name, w] of [
    [kName, kernel],
    [bName, bias],
  ]) {
    nodes.push({
      name,
      op: 'Const',
      attr: {
        value: { tensor: { dtype: 'DT_FLOAT', tensorShape: dims(w.shape) } },
        dtype: { type: 'DT_FLOAT' },
      },
    });
    weightSpecs.push({ name, shape: w.shape, dtype: 'float32' });
    shardParts.push(w.bytes);
  }
  const mm = `${SCOPE}/${layer}/MatMul`;
  const ba = `${SCOPE}/${layer}/BiasAdd`;
  const act = `${SCOPE}/${layer}/${layer === 'fc3' ? 'Softmax' : 'Relu'}`;
  nodes.push(
    {
      name: mm,
      op: 'MatMul',
      input: [prev, kName],
      attr: { transpose_a: { b: false }, transpose_b: { b: false }, ...T },
    },
    // data_format "NHWC" (base64, as the converter writes bytes attrs)
    { name: ba, op: 'BiasAdd', input: [mm, bName], attr: { data_format: { s: 'TkhXQw==' }, ...T } },
    { name: act, op: layer === 'fc3' ? 'Softmax' : 'Relu', input: [ba], attr: { ...T } },
  );
  prev = act;
}
nodes.push({ name: 'Identity', op: 'Identity', input: [prev], attr: { ...T } });

const modelJSON = {
  format: 'graph-model',
  generatedBy: `Bonsai scripts/make-graph-fixture.mjs from samples/${SOURCE_ID}`,
  convertedBy: null,
  signature: {
    inputs: { input: { name: 'input:0', dtype: 'DT_FLOAT', tensorShape: dims([-1, 784]) } },
    outputs: { fc3: { name: 'Identity:0', dtype: 'DT_FLOAT', tensorShape: dims([-1, 10]) } },
  },
  modelTopology: { node: nodes, library: {}, versions: { producer: 1482 } },
  weightsManifest: [{ paths: [SHARD], weights: weightSpecs }],
};

const outDir = path.join(SAMPLES_DIR, ID);
mkdirSync(outDir, { recursive: true });
writeFileSync(path.join(outDir, 'model.json'), JSON.stringify(modelJSON));
const shard = Buffer.concat(shardParts);
writeFileSync(path.join(outDir, SHARD), shard);

const source = readIndex().find((e) => e.id === SOURCE_ID);
const params = weightSpecs.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0);
writeIndex([
  {
    id: ID,
    name: 'MLP (GraphModel fixture)',
    description:
      `LeNet-300-100 written as a TF.js GraphModel (MatMul/BiasAdd/Relu/Softmax GraphDef) with the ` +
      `weights of samples/${SOURCE_ID}. A test fixture for GraphModel import, e2e drops and quantization.`,
    format: 'graph',
    fixture: true,
    derivedFrom: SOURCE_ID,
    path: `samples/${ID}/model.json`,
    inputShape: [784],
    architecture: 'Placeholder[-1,784] → (MatMul → BiasAdd → Relu) ×2 → MatMul → BiasAdd → Softmax',
    params,
    // Same weights and ops as the source, so the same predictions (checked by the fixture test).
    testAccuracy: source?.testAccuracy ?? null,
    seed: source?.seed ?? null,
    epochs: source?.epochs ?? null,
    trainSeconds: source?.trainSeconds ?? null,
    trainedOn: source?.trainedOn ?? null,
    dataset: 'mnist-10k',
  },
]);
console.log(
  `make-graph-fixture: wrote public/samples/${ID}/ (${nodes.length} nodes, ${params} params, ${shard.length} bytes) ` +
    'and index.json',
);
