/**
 * The tabular MLP fixture: a seeded Dense classifier over the CSV fixture's four features and three
 * classes, written as the files a TF.js export has (model.json + one shard) through stock
 * `model.save`, so unit tests and the e2e spec (plain Node, no Vite) open the same model.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import type { InputFile } from '../model/types';

/** Two hidden layers of 64, so the middle Dense (4,160 weights) is large enough for pruning's defaults. */
export const TABULAR_MLP = { inputs: 4, hidden: [64, 64], classes: 3, seed: 5 } as const;

/** Same weights every time: 4 → Dense 64 relu → Dense 64 relu → Dense 3 softmax, seeded Glorot kernels. */
export function tabularMlp(): tfl.LayersModel {
  const { inputs, hidden, classes, seed } = TABULAR_MLP;
  const model = tfl.sequential({ name: 'tabular_mlp' });
  hidden.forEach((units, i) =>
    model.add(tfl.layers.dense({ units, activation: 'relu', ...(i === 0 ? { inputShape: [inputs] } : {}), kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + i }) })),
  );
  model.add(tfl.layers.dense({ units: classes, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + hidden.length }) }));
  return model;
}

/** model.json + group1-shard1of1.bin of the untrained tabular MLP. */
export async function tabularMlpFiles(): Promise<InputFile[]> {
  await tf.ready();
  const model = tabularMlp();
  let files: InputFile[] = [];
  try {
    await model.save(
      tf.io.withSaveHandler(async (a) => {
        const shard = 'group1-shard1of1.bin';
        const weights = new Uint8Array(a.weightData as ArrayBuffer);
        const json = { format: 'layers-model', generatedBy: 'bonsai-fixture', convertedBy: null, modelTopology: a.modelTopology, weightsManifest: [{ paths: [shard], weights: a.weightSpecs }] };
        files = [
          { path: 'model.json', bytes: new TextEncoder().encode(JSON.stringify(json)) },
          { path: shard, bytes: weights },
        ];
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
  } finally {
    model.dispose();
  }
  return files;
}
