import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { expect, it } from 'vitest';
import { describeEachBackend } from '../test-utils/backends';
import { denseClassifier } from '../test-utils/train-fixtures';
import { disposeLoaded, loadPrepared } from './load';
import { cloneLayersModel, serializeLayersModel } from './serialize';
import { prepareModel } from './validate';

function smallCnn(): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [6, 6, 1], filters: 2, kernelSize: 3, activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed: 4 }), biasInitializer: 'ones' }),
      tfl.layers.batchNormalization({ movingMeanInitializer: 'ones' }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: 5 }) }),
    ],
  });
}

async function predict(model: tfl.LayersModel, x: tf.Tensor): Promise<Float32Array> {
  const out = model.predict(x) as tf.Tensor;
  try {
    return (await out.data()) as Float32Array;
  } finally {
    out.dispose();
  }
}

describeEachBackend('serializeLayersModel', () => {
  it('writes model.json + one shard that Bonsai loads back with identical predictions', async () => {
    const model = smallCnn();
    const x = tf.randomUniform([4, 6, 6, 1], 0, 1, 'float32', 3);
    try {
      const files = await serializeLayersModel(model);
      expect(files.map((f) => f.path)).toEqual(['model.json', 'group1-shard1of1.bin']);
      const json = JSON.parse(new TextDecoder().decode(files[0].bytes));
      expect(json).toMatchObject({ format: 'layers-model', convertedBy: 'Bonsai', weightsManifest: [{ paths: ['group1-shard1of1.bin'] }] });
      expect(json.generatedBy).toMatch(/TensorFlow\.js/);
      expect(json.weightsManifest[0].weights).toHaveLength(model.weights.length);
      expect(files[1].bytes.byteLength).toBe(model.weights.reduce((n, w) => n + 4 * w.shape.reduce((a, b) => a! * b!, 1)!, 0));

      const loaded = await loadPrepared(prepareModel(files));
      try {
        expect(await predict(loaded.model as tfl.LayersModel, x)).toEqual(await predict(model, x));
      } finally {
        disposeLoaded(loaded);
      }
    } finally {
      x.dispose();
      model.dispose();
    }
  });

  it('loads with stock tf.loadLayersModel too', async () => {
    const model = denseClassifier({ inputs: 5, hidden: [4], classes: 3 });
    const x = tf.randomUniform([2, 5], 0, 1, 'float32', 1);
    try {
      const [modelJson, shard] = await serializeLayersModel(model);
      const json = JSON.parse(new TextDecoder().decode(modelJson.bytes));
      const stock = await tfl.loadLayersModel(
        tf.io.fromMemory({
          modelTopology: json.modelTopology,
          weightSpecs: json.weightsManifest[0].weights,
          weightData: shard.bytes.slice().buffer,
        }),
      );
      try {
        expect(await predict(stock, x)).toEqual(await predict(model, x));
      } finally {
        stock.dispose();
      }
    } finally {
      x.dispose();
      model.dispose();
    }
  });

  it('cloneLayersModel gives an independent copy with fresh variables', async () => {
    const model = denseClassifier({ inputs: 5, hidden: [4], classes: 3 });
    const x = tf.randomUniform([2, 5], 0, 1, 'float32', 2);
    try {
      const clone = await cloneLayersModel(model);
      try {
        const original = await predict(model, x);
        expect(await predict(clone, x)).toEqual(original);
        const cloneVars = new Set(clone.weights.map((w) => w.read().id));
        expect(model.weights.some((w) => cloneVars.has(w.read().id))).toBe(false);
        tf.tidy(() => void clone.weights[0].write(tf.zerosLike(clone.weights[0].read())));
        expect(await predict(model, x)).toEqual(original);
        expect(await predict(clone, x)).not.toEqual(original);
      } finally {
        clone.dispose();
      }
    } finally {
      x.dispose();
      model.dispose();
    }
  });
});

describeEachBackend('serializeLayersModel keeps SeparableConv2D depth multipliers', () => {
  it('reloads a SeparableConv2D with depthMultiplier 2 (TF.js getConfig drops it)', async () => {
    const model = tfl.sequential({
      layers: [tfl.layers.separableConv2d({ inputShape: [6, 6, 2], filters: 3, kernelSize: 3, depthMultiplier: 2 })],
    });
    const files = await serializeLayersModel(model);
    const loaded = await loadPrepared(prepareModel(files));
    const x = tf.ones([1, 6, 6, 2]);
    const a = model.predict(x) as tf.Tensor;
    const b = loaded.model.predict(x) as tf.Tensor;
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0])).toBeLessThan(1e-5);
    tf.dispose([x, a, b]);
    disposeLoaded(loaded);
    model.dispose();
  });
});
