/**
 * QAT vs PTQ on a small MNIST MLP. The unit suite runs one seed per backend (seconds); set
 * BONSAI_QAT_SEEDS=3 (the bench does) for the mean over seeds 1..3.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DatasetSplit } from '../../data/types';
import { evaluateAccuracy } from '../../metrics/accuracy';
import { disposeLoaded, loadPrepared } from '../../model/load';
import { cloneLayersModel } from '../../model/serialize';
import { prepareModel } from '../../model/validate';
import { describeEachBackend } from '../../test-utils/backends';
import { loadedLayers } from '../../test-utils/model-fixtures';
import { denseClassifier, disposeSplit, mnistSplit } from '../../test-utils/train-fixtures';
import { trainModel } from '../../train/loop';
import type { TrainSettings } from './meta';
import { runQAT, snapKernels, trainQuantAware } from './qat';

const SEEDS = Array.from({ length: Number(process.env.BONSAI_QAT_SEEDS ?? 1) }, (_, i) => i + 1);
const PRETRAIN: TrainSettings = { epochs: 3, batchSize: 32, learningRate: 0.003, optimizer: 'adam', seed: 1 };
const FINE_TUNE: TrainSettings = { epochs: 2, batchSize: 32, learningRate: 0.001, optimizer: 'adam', seed: 2 };
const quiet = { progress: () => {} };

async function accuracyOf(model: tfl.LayersModel, split: DatasetSplit): Promise<number> {
  return (await evaluateAccuracy(await loadedLayers(model), split)).accuracy;
}

describeEachBackend('quantization-aware training (Dense)', () => {
  let train: DatasetSplit;
  let validation: DatasetSplit;
  beforeAll(() => {
    train = mnistSplit('train', 1024);
    validation = mnistSplit('test', 500);
  });
  afterAll(() => {
    disposeSplit(train);
    disposeSplit(validation);
  });

  it(`4-bit QAT beats 4-bit PTQ (mean of seeds ${SEEDS.join(', ')})`, async () => {
    const ptq: number[] = [];
    const ptqTuned: number[] = [];
    const qat: number[] = [];
    for (const seed of SEEDS) {
      const float = denseClassifier({ inputs: 784, hidden: [32], classes: 10, seed });
      const ptqModel = await cloneLayersModel(float);
      try {
        await trainModel(float, { train }, { ...PRETRAIN, seed });
        ptqModel.setWeights(float.getWeights());
        snapKernels(ptqModel, 4);
        ptq.push(await accuracyOf(ptqModel, validation));
        // Same extra epochs without fake-quant, then PTQ: QAT must win by more than the extra training.
        ptqModel.setWeights(float.getWeights());
        await trainModel(ptqModel, { train }, { ...FINE_TUNE, seed });
        snapKernels(ptqModel, 4);
        ptqTuned.push(await accuracyOf(ptqModel, validation));
        await trainQuantAware(float, 4, { train }, { ...FINE_TUNE, seed }, quiet);
        snapKernels(float, 4);
        qat.push(await accuracyOf(float, validation));
      } finally {
        float.dispose();
        ptqModel.dispose();
      }
    }
    const mean = (a: number[]) => a.reduce((s, x) => s + x, 0) / a.length;
    const fmt = (a: number[]) => a.map((x) => x.toFixed(3)).join('/');
    console.info(`QAT 4-bit ${fmt(qat)} vs PTQ 4-bit ${fmt(ptq)} (after the same extra float epochs: ${fmt(ptqTuned)})`);
    expect(mean(qat)).toBeGreaterThan(mean(ptq) + 0.01);
    expect(mean(qat)).toBeGreaterThan(mean(ptqTuned));
  });

  it('runQAT exports 4-bit kernels as uint8 with ≤ 16 distinct bytes, loadable with the trained accuracy', async () => {
    const float = denseClassifier({ inputs: 784, hidden: [32], classes: 10, seed: 4 });
    const input = await loadedLayers(float);
    try {
      const result = await runQAT(input, { method: 'qat', bits: 4, fineTune: { ...FINE_TUNE, epochs: 1 } }, { train, validation }, quiet);
      const prepared = prepareModel(result.files);
      const specs = (prepared.modelJson.weightsManifest as { weights: { name: string; shape: number[]; quantization?: { dtype: string } }[] }[])[0].weights;
      const bytes = prepared.shards[0].bytes;
      let offset = 0;
      for (const s of specs) {
        const n = s.shape.reduce((a, b) => a * b, 1);
        if (s.shape.length >= 2) {
          expect(s.quantization?.dtype, s.name).toBe('uint8');
          expect(new Set(bytes.subarray(offset, offset + n)).size, s.name).toBeLessThanOrEqual(16);
        } else {
          expect(s.quantization, s.name).toBeUndefined();
        }
        offset += s.quantization ? n : 4 * n;
      }
      const loaded = await loadPrepared(prepared);
      try {
        const acc = (await evaluateAccuracy(loaded, validation)).accuracy;
        expect(acc).toBeCloseTo(result.history!.epochs[0].valAccuracy!, 2);
      } finally {
        disposeLoaded(loaded);
      }
      expect(result.notes.join(' ')).toMatch(/16 distinct values/);
      // The input model is not touched.
      expect(float.layers[0].getWeights()[0].isDisposed).toBe(false);
    } finally {
      float.dispose();
    }
  });
});
