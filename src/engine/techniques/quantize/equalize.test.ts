import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { expect, it } from 'vitest';
import { BonsaiError } from '../../errors';
import { describeEachBackend } from '../../test-utils/backends';
import { denseClassifier } from '../../test-utils/train-fixtures';
import { biasCorrection, equalizeModel, runEqualize } from './equalize';
import { depthwiseCnn, imbalance, logSpread, quantizeKernelsInPlace } from './equalize.fixtures';
import { kernelOf } from './equalize-pairs';
import { exportKernelsAt } from './export-kernels';
import { disposeLoaded, loadPrepared } from '../../model/load';
import { prepareModel } from '../../model/validate';
import { loadedLayers } from '../../test-utils/model-fixtures';
import type { InputFile } from '../../model/types';
import { fakeQuantAffine } from './fake-quant';

const inputs = (shape: number[], seed: number) => tf.randomUniform(shape, 0, 1, 'float32', seed);
const maxAbsDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
const maxAbs = (a: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(a)).dataSync()[0]);
/** mean |a − b| / mean |b|. */
const relError = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.div(tf.mean(tf.abs(tf.sub(a, b))), tf.mean(tf.abs(b))).dataSync()[0]);
const predict = (m: tfl.LayersModel, x: tf.Tensor) => m.predict(x) as tf.Tensor;

/** Per-channel max|w|: A's output channels vs B's input channels. */
function channelRanges(m: tfl.LayersModel, first: string, second: string, C: number): [Float32Array, Float32Array] {
  return tf.tidy(() => {
    const a = kernelOf(m.getLayer(first))!.read();
    const b = kernelOf(m.getLayer(second))!.read();
    const [s0, s1] = b.shape as number[];
    const pre = b.shape.length === 2 ? s0 / C : s0 * s1;
    return [tf.max(tf.abs(tf.reshape(a, [-1, C])), 0).dataSync() as Float32Array, tf.max(tf.abs(tf.reshape(b, [pre, C, -1])), [0, 2]).dataSync() as Float32Array];
  });
}

describeEachBackend('cross-layer equalization', () => {
  it('is an exact re-parameterization of a depthwise CNN (outputs within 1e-5) and equalizes channel ranges', async () => {
    const model = depthwiseCnn({ seed: 2 });
    imbalance(model, 'dw', 'pw', logSpread(8, 4));
    const x = inputs([16, 8, 8, 1], 5);
    const before = kernelOf(model.getLayer('dw'))!.read().dataSync().slice();
    const eq = await equalizeModel(model);
    try {
      expect(eq.pairs.map((p) => `${p.first}>${p.second}`)).toEqual(['conv>dw', 'dw>pw', 'pw>head']);
      expect(eq.skipped).toEqual([]);
      const [y0, y1] = [predict(model, x), predict(eq.model, x)];
      expect(maxAbsDiff(y0, y1) / maxAbs(y0)).toBeLessThan(1e-5);
      tf.dispose([y0, y1]);
      for (const [a, b, C] of [['conv', 'dw', 8], ['dw', 'pw', 8], ['pw', 'head', 12]] as const) {
        const [r1, r2] = channelRanges(eq.model, a, b, C);
        r1.forEach((r, i) => expect(Math.abs(r - r2[i]) / r2[i], `${a}>${b} channel ${i}`).toBeLessThan(1e-3));
      }
      expect(kernelOf(model.getLayer('dw'))!.read().dataSync()).toEqual(before); // input untouched
    } finally {
      x.dispose();
      model.dispose();
      eq.model.dispose();
    }
  });

  it('is exact on an MLP (Dense → Dense) and skips the softmax head', async () => {
    const model = denseClassifier({ inputs: 20, hidden: [16, 12], classes: 5, seed: 4 });
    imbalance(model, model.layers[0].name, model.layers[1].name, logSpread(16, 3));
    const x = inputs([32, 20], 6);
    const eq = await equalizeModel(model);
    try {
      expect(eq.pairs).toHaveLength(2);
      const [y0, y1] = [predict(model, x), predict(eq.model, x)];
      expect(maxAbsDiff(y0, y1)).toBeLessThan(1e-5);
      tf.dispose([y0, y1]);
    } finally {
      x.dispose();
      model.dispose();
      eq.model.dispose();
    }
  });

  it('skips a pair through BatchNormalization, with the reason', async () => {
    const model = depthwiseCnn({ seed: 3, batchNorm: true });
    const eq = await equalizeModel(model);
    try {
      expect(eq.pairs.map((p) => p.first)).toEqual(['dw', 'pw']);
      expect(eq.skipped).toEqual([{ first: 'conv', second: 'bn', reason: expect.stringContaining('BatchNormalization') }]);
    } finally {
      model.dispose();
      eq.model.dispose();
    }
  });

  it('rescues per-tensor uint8 on a depthwise model with imbalanced channels', async () => {
    const model = depthwiseCnn({ seed: 5 });
    imbalance(model, 'dw', 'pw', logSpread(8, 4));
    const x = inputs([32, 8, 8, 1], 7);
    const eq = await equalizeModel(model);
    const y = predict(model, x);
    try {
      const errors: number[] = [];
      for (const m of [model, eq.model]) {
        const saved = m.getWeights().map((w) => w.clone());
        quantizeKernelsInPlace(m, (w) => fakeQuantAffine(w, 8));
        const yq = predict(m, x);
        errors.push(relError(yq, y));
        yq.dispose();
        m.setWeights(saved);
        tf.dispose(saved);
      }
      const [plain, equalized] = errors;
      expect(plain).toBeGreaterThan(0.05);
      expect(equalized).toBeLessThan(plain / 5);
    } finally {
      tf.dispose([x, y]);
      model.dispose();
      eq.model.dispose();
    }
  });
});

async function outputsOf(files: InputFile[], x: tf.Tensor): Promise<tf.Tensor> {
  const loaded = await loadPrepared(prepareModel(files));
  try {
    return predict(loaded.model as tfl.LayersModel, x);
  } finally {
    disposeLoaded(loaded);
  }
}

describeEachBackend('runEqualize', () => {
  it('equalize + uint8 (+ bias correction) tracks the float model far better than plain uint8', async () => {
    const model = depthwiseCnn({ seed: 9 });
    imbalance(model, 'dw', 'pw', logSpread(8, 4));
    const xs = inputs([96, 8, 8, 1], 11);
    const x = tf.slice(xs, [64], [32]);
    const y = predict(model, x);
    const input = await loadedLayers(model);
    try {
      const plain = await outputsOf(await exportKernelsAt(model, 'uint8'), x);
      const errors = [relError(plain, y)];
      plain.dispose();
      for (const biasCorrection of [false, true]) {
        const r = await runEqualize(input, { method: 'equalize', then: 'uint8', biasCorrection }, { train: { xs, ys: null, count: 64 } }, { progress: () => {} });
        const out = await outputsOf(r.files, x);
        errors.push(relError(out, y));
        out.dispose();
        expect(r.perLayer.find((row) => row.layer === 'dw')).toMatchObject({ equalizedWith: 'pw', biasShift: biasCorrection ? expect.any(Number) : null });
        expect(r.notes[0]).toMatch(/Equalized 3 layer pair/);
      }
      console.info(`uint8 relative output error: plain ${errors[0].toFixed(4)}, equalized ${errors[1].toFixed(4)}, + bias correction ${errors[2].toFixed(4)}`);
      expect(errors[1]).toBeLessThan(errors[0] / 5);
      expect(errors[2]).toBeLessThan(errors[0] / 5);
    } finally {
      tf.dispose([xs, x, y]);
      model.dispose();
    }
  });

  it('bias correction refuses a missing calibration set', async () => {
    const model = depthwiseCnn({ seed: 9 });
    try {
      await expect(runEqualize(await loadedLayers(model), { method: 'equalize', then: 'uint8', biasCorrection: true }, {}, { progress: () => {} }))
        .rejects.toMatchObject({ code: 'DATASET_UNAVAILABLE' });
    } finally {
      model.dispose();
    }
  });
});

describeEachBackend('bias correction', () => {
  it('removes the mean output shift that 4-bit kernels cause (linear head: exactly, on the calibration batch)', async () => {
    const float = depthwiseCnn({ seed: 6 });
    const quantized = depthwiseCnn({ seed: 6 });
    const x = inputs([64, 8, 8, 1], 8);
    quantizeKernelsInPlace(quantized, (w) => fakeQuantAffine(w, 4));
    const meanShift = () => tf.tidy(() => maxAbs(tf.mean(tf.sub(predict(quantized, x), predict(float, x)), 0)));
    try {
      const before = meanShift();
      const rows = biasCorrection(float, quantized, x);
      expect(rows.map((r) => r.layer)).toEqual(['conv', 'dw', 'pw', 'head']);
      expect(before).toBeGreaterThan(1e-3);
      expect(meanShift()).toBeLessThan(1e-5 + before * 1e-3);
    } finally {
      x.dispose();
      float.dispose();
      quantized.dispose();
    }
  });

  it('refuses an empty or wrongly shaped calibration batch', () => {
    const float = depthwiseCnn({ seed: 7 });
    const empty = tf.zeros([0, 8, 8, 1]);
    const wrong = tf.zeros([4, 5, 5, 1]);
    try {
      expect(() => biasCorrection(float, float, empty)).toThrow(BonsaiError);
      expect(() => biasCorrection(float, float, wrong)).toThrow(/calibration set.*\[5, 5, 1\].*\[8, 8, 1\]/);
    } finally {
      tf.dispose([empty, wrong]);
      float.dispose();
    }
  });
});
