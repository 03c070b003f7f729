import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { expect, it } from 'vitest';
import { describeEachBackend } from '../test-utils/backends';
import { BAD_INPUTS, VALID_FIXTURES } from './bad-inputs.fixtures';
import { importModelFiles } from './import-pipeline';
import { disposeLoaded } from './load';
import type { LoadedModel } from './loaded';
import type { InputFile } from './types';

async function predict(m: LoadedModel, input: readonly number[], shape: readonly number[]): Promise<number[]> {
  const x = tf.tensor(input as number[], shape as number[]);
  const y = m.model.predict(x) as tf.Tensor;
  const values = Array.from(await y.data());
  tf.dispose([x, y]);
  return values;
}

/** What model.save() writes, as dropped files: model.json + one shard. */
async function savedFiles(
  model: tfl.LayersModel,
  dir = '',
  editTopology: (t: Record<string, unknown>) => void = () => {},
): Promise<InputFile[]> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => {
    artifacts = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  const a = artifacts!;
  editTopology(a.modelTopology as Record<string, unknown>);
  const json = {
    format: a.format, generatedBy: a.generatedBy, convertedBy: a.convertedBy, modelTopology: a.modelTopology,
    weightsManifest: [{ paths: ['./group1-shard1of1.bin'], weights: a.weightSpecs }],
  };
  return [
    { path: `${dir}model.json`, bytes: new TextEncoder().encode(JSON.stringify(json)) },
    { path: `${dir}group1-shard1of1.bin`, bytes: new Uint8Array(a.weightData as ArrayBuffer) },
  ];
}

describeEachBackend('valid models', () => {
  for (const [id, fx] of Object.entries(VALID_FIXTURES)) {
    it(`${id}: ${fx.description} loads and computes the hand-computed output`, async () => {
      const m = await importModelFiles(fx.files());
      expect(m.format).toBe(fx.format);
      expect(m.prepared.warnings).toEqual([]);
      const y = await predict(m, fx.input, fx.inputShape);
      y.forEach((v, i) => expect(v).toBeCloseTo(fx.expected[i], 5));
      disposeLoaded(m);
    });
  }

  it('shards given in name order load exactly like the one-shard model', async () => {
    const split = await importModelFiles(BAD_INPUTS.find((c) => c.id === 'shards-name-order')!.files());
    const whole = await importModelFiles(VALID_FIXTURES.sequential.files());
    expect(split.prepared.shards.map((s) => s.path)).toEqual(Array.from({ length: 10 }, (_, i) => `group1-shard${i + 1}of10.bin`));
    expect(new Uint8Array(split.prepared.artifacts.weightData as ArrayBuffer)).toEqual(new Uint8Array(whole.prepared.artifacts.weightData as ArrayBuffer));
    const input = [0.5, -1, 2, 3];
    expect(await predict(split, input, [1, 4])).toEqual(await predict(whole, input, [1, 4]));
    disposeLoaded(split);
    disposeLoaded(whole);
  });

  it('round-trips a model saved by TF.js (conv, batch-norm, LSTM, dropout)', async () => {
    const net = tfl.sequential({ layers: [
      tfl.layers.conv2d({ inputShape: [6, 6, 1], filters: 2, kernelSize: 3, activation: 'relu' }),
      tfl.layers.batchNormalization(),
      tfl.layers.reshape({ targetShape: [4, 8] }),
      // TF.js's Orthogonal initializer needs chained ops that tfjs-core alone does not register;
      // the saved topology below gets it back, and loading must not run it (fast init).
      tfl.layers.lstm({ units: 3, returnSequences: false, recurrentInitializer: 'glorotUniform', name: 'lstm' }),
      tfl.layers.dropout({ rate: 0.5 }),
      tfl.layers.dense({ units: 2, activation: 'softmax' }),
    ] });
    const files = await savedFiles(net, 'export/', (topology) => {
      const lstm = (topology.config as { layers: { config: Record<string, unknown> }[] }).layers[3].config;
      lstm.recurrent_initializer = { class_name: 'Orthogonal', config: { gain: 1, seed: null } };
    });
    const m = await importModelFiles(files);
    const input = Array.from({ length: 36 }, (_, i) => Math.sin(i));
    const x = tf.tensor(input, [1, 6, 6, 1]);
    const want = net.predict(x) as tf.Tensor;
    const got = await predict(m, input, [1, 6, 6, 1]);
    Array.from(await want.data()).forEach((v, i) => expect(got[i]).toBeCloseTo(v, 5));
    tf.dispose([x, want]);
    net.dispose();
    disposeLoaded(m);
  });

  it('round-trips a functional model with two inputs and a layer shared twice (node index 1)', async () => {
    const a = tfl.input({ shape: [3], name: 'a' });
    const b = tfl.input({ shape: [3], name: 'b' });
    const shared = tfl.layers.dense({ units: 2, name: 'shared' });
    const sum = tfl.layers.add().apply([shared.apply(a), shared.apply(b)] as tfl.SymbolicTensor[]) as tfl.SymbolicTensor;
    const net = tfl.model({ inputs: [a, b], outputs: sum });
    const m = await importModelFiles(await savedFiles(net));
    const xa = tf.tensor2d([[1, 2, 3]]);
    const xb = tf.tensor2d([[-1, 0, 4]]);
    const want = net.predict([xa, xb]) as tf.Tensor;
    const got = m.model.predict([xa, xb]) as tf.Tensor;
    expect(Array.from(await got.data())).toEqual(Array.from(await want.data()));
    tf.dispose([xa, xb, want, got]);
    // A model built by tfl.model() on layers applied outside it does not own them: free by hand.
    net.weights.forEach((w) => w.dispose());
    disposeLoaded(m);
  });

  it('disposeLoaded frees every tensor the model holds', async () => {
    const before = tf.memory().numTensors;
    const m = await importModelFiles(VALID_FIXTURES.graph.files());
    expect(tf.memory().numTensors).toBeGreaterThan(before);
    disposeLoaded(m);
    expect(tf.memory().numTensors).toBe(before);
  });
});
