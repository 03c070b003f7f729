/**
 * The compact model.json is the same model for stock TF.js: on every committed sample and on the
 * quantized and pruned variants Bonsai writes, tf.loadLayersModel / tf.loadGraphModel of the
 * compact files give bit-identical outputs to the full files, and (LayersModels) the same layer
 * configs, apart from initializers, which the loader never runs when weights are present.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { expect, it } from 'vitest';
import { disposeLoaded, loadPrepared } from '../load';
import { serializeLayersModel } from '../serialize';
import type { InputFile } from '../types';
import { prepareModel } from '../validate';
import { quantizeFiles } from '../../techniques/quantize/encode';
import type { WeightChoice } from '../../techniques/quantize/meta';
import { runPrune, type VariantPruneConfig } from '../../techniques/prune/run';
import { describeEachBackend } from '../../test-utils/backends';
import { compactFiles, outputBits, sampleFiles, stockLoad, type StockModel } from './test-utils/stock';

const IMAGE = [28, 28, 1];
const INPUT_SHAPE: Record<string, number[]> = { 'lenet-5': IMAGE, 'lenet-300-100': IMAGE, 'teacher-cnn': IMAGE, 'mlp-graph': [784] };
const SHAPES: Record<string, number[]> = { ...INPUT_SHAPE, 'other-classes': [8, 8, 2] };

/** Full (not compacted) files of a sample's variant quantized by Bonsai's weight encoder. */
const quantized = (sample: string, choice: WeightChoice) => async (): Promise<InputFile[]> =>
  quantizeFiles(prepareModel(sampleFiles(sample)), () => choice, { compact: false }).files;

/** A sample pruned by Bonsai's prune technique (no fine-tune), written again in full. */
const pruned = (sample: string, config: VariantPruneConfig) => async (): Promise<InputFile[]> => {
  const input = await loadPrepared(prepareModel(sampleFiles(sample)));
  try {
    const variant = await runPrune(input, config, {}, { progress: () => {} });
    const reopened = await loadPrepared(prepareModel(variant.files));
    try {
      if (reopened.format !== 'layers') throw new Error('expected a LayersModel variant');
      return await serializeLayersModel(reopened.model, { compact: false });
    } finally {
      disposeLoaded(reopened);
    }
  } finally {
    disposeLoaded(input);
  }
};

/**
 * A functional model with the other layer classes the defaults table lists (depthwise, separable,
 * average and global pooling, dropout, a merge), every setting at its default but a few.
 */
const otherClasses = async (): Promise<InputFile[]> => {
  const init = (seed: number) => tfl.initializers.glorotUniform({ seed });
  const input = tfl.input({ shape: [8, 8, 2] });
  const a = tfl.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(1), biasInitializer: 'ones' }).apply(input) as tfl.SymbolicTensor;
  const b = tfl.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', depthwiseInitializer: init(2) }).apply(a) as tfl.SymbolicTensor;
  const c = tfl.layers.batchNormalization({ movingMeanInitializer: tfl.initializers.randomUniform({ seed: 3 }) }).apply(tfl.layers.add().apply([a, b]) as tfl.SymbolicTensor) as tfl.SymbolicTensor;
  const d = tfl.layers.separableConv2d({ filters: 6, kernelSize: 3, depthwiseInitializer: init(4), pointwiseInitializer: init(5) }).apply(c) as tfl.SymbolicTensor;
  const e = tfl.layers.averagePooling2d({ poolSize: 2 }).apply(d) as tfl.SymbolicTensor;
  const f = tfl.layers.dropout({ rate: 0.5 }).apply(tfl.layers.globalAveragePooling2d({}).apply(e) as tfl.SymbolicTensor) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: init(6) }).apply(f) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: out });
  try {
    return await serializeLayersModel(model, { compact: false });
  } finally {
    model.dispose();
  }
};

const CASES: { name: string; sample: string; full: () => Promise<InputFile[]> }[] = [
  ...Object.keys(INPUT_SHAPE).map((sample) => ({ name: `sample ${sample}`, sample, full: async () => sampleFiles(sample) })),
  { name: 'functional model of the other listed classes', sample: 'other-classes', full: otherClasses },
  ...(['uint8', 'uint16', 'float16'] as const).map((p) => ({ name: `lenet-5 ${p}`, sample: 'lenet-5', full: quantized('lenet-5', p) })),
  { name: 'lenet-5 16 clusters', sample: 'lenet-5', full: quantized('lenet-5', { clusters: 16 }) },
  { name: 'teacher-cnn uint8', sample: 'teacher-cnn', full: quantized('teacher-cnn', 'uint8') },
  { name: 'mlp-graph uint8 (GraphModel)', sample: 'mlp-graph', full: quantized('mlp-graph', 'uint8') },
  { name: 'lenet-5 80% magnitude-pruned', sample: 'lenet-5', full: pruned('lenet-5', { method: 'magnitude', sparsity: 0.8, schedule: 'one-shot', scope: 'per-layer' }) },
  { name: 'lenet-5 structured 50%', sample: 'lenet-5', full: pruned('lenet-5', { method: 'structured', ratio: 0.5, norm: 'l1' }) },
];

/** A layer config as the loaded model reports it, without initializers; null and absent alike. */
function comparableConfig(m: StockModel): unknown {
  if (m.kind !== 'layers') return null;
  return JSON.parse(JSON.stringify(m.model.getConfig(), (key, v) => (v === null || key.endsWith('Initializer') ? undefined : v)));
}

describeEachBackend('compact model.json, stock loaders', () => {
  for (const c of CASES) {
    it(`${c.name}: bit-identical outputs and the same layer configs, in fewer bytes`, async () => {
      const full = await c.full();
      const compact = compactFiles(full);
      const size = (files: InputFile[]) => files.find((f) => f.path === 'model.json')!.bytes.byteLength;
      expect(size(compact)).toBeLessThan(size(full));
      const x = tf.randomUniform([5, ...SHAPES[c.sample]], 0, 1, 'float32', 7);
      const [a, b] = [await stockLoad(full), await stockLoad(compact)];
      try {
        const bits = await outputBits(a, x);
        expect(bits.length).toBeGreaterThan(0);
        expect(await outputBits(b, x)).toEqual(bits);
        expect(comparableConfig(b)).toEqual(comparableConfig(a));
      } finally {
        x.dispose();
        a.model.dispose();
        b.model.dispose();
      }
    });
  }
});
