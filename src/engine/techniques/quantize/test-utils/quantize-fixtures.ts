/**
 * Test-only helpers for the weight encoder: turn written files into what stock tf.io reads, a tiny
 * generated GraphModel (MatMul → BiasAdd → Relu → MatMul, with pruned zeros and an int32 Reshape
 * shape), and a seeded Dense model with some weights pruned to exact zeros.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { LoadedModel } from '../../../model/loaded';
import type { InputFile } from '../../../model/types';
import { constNode, opNode, placeholder, prepareFromArtifacts, type GraphWeight } from '../../../test-utils/model-fixtures';
import { denseClassifier } from '../../../test-utils/train-fixtures';
import { loadGraphModel } from '@tensorflow/tfjs-converter';

/** model.json + shard → the artifacts `tf.io.fromMemory` takes, exactly as a browser load would see them. */
export function stockArtifacts(files: InputFile[]): tf.io.ModelArtifacts {
  const json = JSON.parse(new TextDecoder().decode(files.find((f) => f.path === 'model.json')!.bytes));
  const groups = json.weightsManifest as { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  const shards = groups.flatMap((g) => g.paths.map((p) => files.find((f) => f.path === p)!.bytes));
  const data = new Uint8Array(shards.reduce((n, s) => n + s.byteLength, 0));
  let at = 0;
  for (const s of shards) {
    data.set(s, at);
    at += s.byteLength;
  }
  return {
    modelTopology: json.modelTopology,
    format: json.format,
    weightSpecs: groups.flatMap((g) => g.weights),
    weightData: data.buffer,
    ...(json.signature ? { signature: json.signature } : {}),
  };
}

export function manifestOf(files: InputFile[]): tf.io.WeightsManifestEntry[] {
  const json = JSON.parse(new TextDecoder().decode(files.find((f) => f.path === 'model.json')!.bytes));
  return (json.weightsManifest as { weights: tf.io.WeightsManifestEntry[] }[]).flatMap((g) => g.weights);
}

function seededValues(n: number, seed: number, pruneEvery = 0): number[] {
  let s = seed;
  return Array.from({ length: n }, (_, i) => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return pruneEvery > 0 && i % pruneEvery === 0 ? 0 : (s / 2147483648 - 0.5) * 0.6;
  });
}

export const GRAPH_INPUTS = 12;

/** A two-layer MLP GraphModel; w1 has every third weight pruned to 0; an int32 Reshape target. */
export async function tinyGraph(): Promise<LoadedModel> {
  const weights: GraphWeight[] = [
    { name: 'dense1/kernel', shape: [GRAPH_INPUTS, 16], values: seededValues(GRAPH_INPUTS * 16, 3, 3) },
    { name: 'dense1/bias', shape: [16], values: seededValues(16, 4) },
    { name: 'dense2/kernel', shape: [16, 5], values: seededValues(80, 5) },
  ];
  const nodes = [
    placeholder('x', [-1, GRAPH_INPUTS]),
    opNode('dense1/MatMul', 'MatMul', ['x', 'dense1/kernel'], { transpose_a: { b: false }, transpose_b: { b: false } }),
    opNode('dense1/BiasAdd', 'BiasAdd', ['dense1/MatMul', 'dense1/bias']),
    opNode('dense1/Relu', 'Relu', ['dense1/BiasAdd']),
    opNode('dense2/MatMul', 'MatMul', ['dense1/Relu', 'dense2/kernel'], { transpose_a: { b: false }, transpose_b: { b: false } }),
    { name: 'shape', op: 'Const', attr: { dtype: { type: 'DT_INT32' }, value: { tensor: { dtype: 'DT_INT32', tensorShape: { dim: [{ size: '2' }] } } } } },
    { name: 'out', op: 'Reshape', input: ['dense2/MatMul', 'shape'], attr: { T: { type: 'DT_FLOAT' }, Tshape: { type: 'DT_INT32' } } },
  ];
  // loadedGraph writes float32 weights only: build the int32 entry by hand.
  const floats = new Float32Array(weights.flatMap((w) => w.values));
  const ints = new Int32Array([-1, 5]);
  const data = new Uint8Array(floats.byteLength + ints.byteLength);
  data.set(new Uint8Array(floats.buffer), 0);
  data.set(new Uint8Array(ints.buffer), floats.byteLength);
  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: { node: [...weights.map(constNode), ...nodes], versions: { producer: 1 } },
    format: 'graph-model',
    weightSpecs: [
      ...weights.map((w) => ({ name: w.name, shape: w.shape, dtype: 'float32' as const })),
      { name: 'shape', shape: [2], dtype: 'int32' as const },
    ],
    weightData: data.buffer,
  };
  const prepared = prepareFromArtifacts('graph', artifacts);
  const model = await loadGraphModel(tf.io.fromMemory(prepared.artifacts));
  return { format: 'graph', model, prepared };
}


/** A seeded Dense classifier whose first kernel has every fourth weight pruned to exact 0. */
export function sparseDense(inputs = 20, hidden = [24], classes = 4): tfl.LayersModel {
  const model = denseClassifier({ inputs, hidden, classes, seed: 2 });
  const k = model.layers[0].getWeights()[0];
  tf.tidy(() => {
    const mask = tf.tensor(Array.from({ length: k.size }, (_, i) => (i % 4 === 0 ? 0 : 1)), k.shape);
    model.layers[0].setWeights([tf.mul(k, mask), model.layers[0].getWeights()[1]]);
  });
  return model;
}

/** Seeded inputs [n, features]. Caller disposes. */
export function seededInputs(n: number, features: number, seed = 11): tf.Tensor2D {
  return tf.tensor2d(seededValues(n * features, seed).map((v) => v * 4), [n, features]);
}

/**
 * Every zero of a [rows, C] kernel is still zero after export, up to the order of its C output
 * channels (the writers reorder hidden units for gzip: unit-order.ts): each original channel is
 * matched to a distinct exported channel whose zeros include its own. Returns the unmatched count.
 */
export function zerosLostUpToChannelOrder(before: ArrayLike<number>, after: ArrayLike<number>, C: number): number {
  const rows = before.length / C;
  const zerosOf = (k: ArrayLike<number>, c: number) => Array.from({ length: rows }, (_, r) => k[r * C + c] === 0);
  const used = new Set<number>();
  let lost = 0;
  for (let c = 0; c < C; c++) {
    const z = zerosOf(before, c);
    let match = -1;
    for (let j = 0; j < C && match < 0; j++) if (!used.has(j) && zerosOf(after, j).every((zj, r) => zj || !z[r])) match = j;
    if (match < 0) lost++;
    else used.add(match);
  }
  return lost;
}
