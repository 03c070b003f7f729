import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { expect, it } from 'vitest';
import { BonsaiError } from '../../errors';
import { disposeLoaded, loadPrepared } from '../../model/load';
import { prepareModel } from '../../model/validate';
import { describeEachBackend } from '../../test-utils/backends';
import { loadedLayers } from '../../test-utils/model-fixtures';
import type { TechniqueContext } from '../types';
import { validatePruneConfig } from './meta';
import { pruneStructured } from './structured';
import { planKernelShrink, shrinkKernels, uncroppable } from './structured-kernel';

const init = (seed: number) => tfl.initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed });

/** conv1 5×5 same → pool → conv2 3×3 valid → flatten → out(3). Input 8×8×1 (a grey image). */
function fiveByFiveCnn(): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({ name: 'conv1', inputShape: [8, 8, 1], filters: 4, kernelSize: 5, padding: 'same', activation: 'relu', kernelInitializer: init(1), biasInitializer: init(2) }),
      tfl.layers.maxPooling2d({ name: 'pool1', poolSize: 2 }),
      tfl.layers.conv2d({ name: 'conv2', filters: 3, kernelSize: 3, activation: 'relu', kernelInitializer: init(3), biasInitializer: init(4) }),
      tfl.layers.flatten({ name: 'flatten' }),
      tfl.layers.dense({ name: 'out', units: 3, activation: 'softmax', kernelInitializer: init(5), biasInitializer: init(6) }),
    ],
  });
}

/** The same model with conv1's outer ring of taps set to zero: the exact reference for a 3×3 crop. */
function withOuterRingZeroed(model: tfl.LayersModel): void {
  const layer = model.getLayer('conv1');
  const [kernel, bias] = layer.getWeights();
  const ring = tf.tidy(() => {
    const mask = tf.buffer([5, 5, 1, 1]);
    for (let i = 1; i < 4; i++) for (let j = 1; j < 4; j++) mask.set(1, i, j, 0, 0);
    return tf.mul(kernel, mask.toTensor());
  });
  layer.setWeights([ring, bias]);
  ring.dispose();
}

async function outputs(model: tfl.LayersModel, x: tf.Tensor): Promise<Float32Array> {
  const y = model.predict(x) as tf.Tensor;
  try {
    return (await y.data()) as Float32Array;
  } finally {
    y.dispose();
  }
}

const quiet: TechniqueContext = { progress: () => {} };

describeEachBackend('filter-shape pruning (shrinkKernels)', () => {
  it('cropping a 5×5 same conv to its central 3×3 keeps the output exactly when the outer taps are zero', async () => {
    const model = fiveByFiveCnn();
    withOuterRingZeroed(model);
    const x = tf.randomUniform([2, 8, 8, 1], 0, 1, 'float32', 7);
    const { model: small, rows } = shrinkKernels(model, new Map([['conv1', 3]]));
    try {
      expect(rows).toEqual([{ layer: 'conv1', before: 5, after: 3 }]);
      expect(small.getLayer('conv1').getWeights()[0].shape).toEqual([3, 3, 1, 4]);
      expect(model.getLayer('conv1').getWeights()[0].shape).toEqual([5, 5, 1, 4]);
      expect(small.outputs[0].shape).toEqual(model.outputs[0].shape);
      const a = await outputs(model, x);
      const b = await outputs(small, x);
      a.forEach((v, i) => expect(b[i]).toBeCloseTo(v, 5));
    } finally {
      small.dispose();
      model.dispose();
      x.dispose();
    }
  });

  it('maxKernelSize picks only stride-1 same-padded convs with larger kernels; bad sizes and ineligible layers are refused', () => {
    const model = fiveByFiveCnn();
    try {
      expect([...planKernelShrink(model, 3)]).toEqual([['conv1', 3]]);
      expect([...planKernelShrink(model, 5)]).toEqual([]);
      // What a cap leaves whole is said, with why: conv2's 3×3 is 'valid'-padded.
      expect(uncroppable(model, 3)).toEqual([]);
      expect(uncroppable(model, 1)).toEqual([{ layer: 'conv2', reason: "its padding is not 'same' (a smaller kernel would change the output size)" }]);
      expect(uncroppable(model, undefined)).toEqual([]);
      expect([...planKernelShrink(model, undefined, { conv1: 1 })]).toEqual([['conv1', 1]]);
      expect(() => planKernelShrink(model, 2)).toThrow(BonsaiError);
      expect(() => planKernelShrink(model, undefined, { conv2: 1 })).toThrow(/padding is not 'same'/);
      expect(() => planKernelShrink(model, undefined, { nope: 3 })).toThrow(/not a layer/);
      expect(() => validatePruneConfig({ method: 'structured', ratio: 0.5, norm: 'l1', maxKernelSize: 4 })).toThrow(/odd whole number/);
      expect(() => validatePruneConfig({ method: 'structured', ratio: 0.5, norm: 'l1', kernelSize: { conv1: 0 } })).toThrow(/odd whole number/);
    } finally {
      model.dispose();
    }
  });

  it('pruneStructured with maxKernelSize writes a model with fewer filters and 3×3 kernels that reloads', async () => {
    const model = fiveByFiveCnn();
    try {
      const input = await loadedLayers(model);
      const out = await pruneStructured(input, { method: 'structured', ratio: 0.5, norm: 'l1', maxKernelSize: 3 }, {}, quiet);
      expect(out.step).toMatch(/kernels cropped \(conv1 3×3\)/);
      expect(out.notes?.join(' ')).toMatch(/conv1 5×5 → 3×3/);
      const reopened = await loadPrepared(prepareModel(out.files));
      try {
        if (reopened.format !== 'layers') throw new Error('expected a LayersModel');
        expect(reopened.model.getLayer('conv1').getWeights()[0].shape).toEqual([3, 3, 1, 2]);
        expect(reopened.model.getLayer('conv2').getWeights()[0].shape).toEqual([3, 3, 2, 2]);
      } finally {
        disposeLoaded(reopened);
      }
      // Kernel cropping alone (ratio 0) is a valid run too.
      const only = await pruneStructured(input, { method: 'structured', ratio: 0, norm: 'l1', maxKernelSize: 3 }, {}, quiet);
      expect(only.name).toMatch(/3×3 kernels/);
    } finally {
      model.dispose();
    }
  });
});
