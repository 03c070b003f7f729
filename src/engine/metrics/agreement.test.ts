import { expect, it } from 'vitest';
import { describeEachBackend } from '../test-utils/backends';
import { loadedLayers } from '../test-utils/model-fixtures';
import { maxAbsDiff, predictFixed } from './agreement';
import * as tfl from '@tensorflow/tfjs-layers';
import { disposeLoaded } from '../model/load';

describeEachBackend('predictFixed', () => {
  it('is deterministic and leak-free', async () => {
    const model = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [4], units: 3, activation: 'softmax', kernelInitializer: 'ones' })] });
    const loaded = await loadedLayers(model);
    const a = await predictFixed(loaded);
    const b = await predictFixed(loaded);
    expect(a).toHaveLength(3);
    expect(maxAbsDiff(a, b)).toBe(0);
    disposeLoaded(loaded);
  });
});

it('maxAbsDiff flags a length mismatch as infinitely different', () => {
  expect(maxAbsDiff(new Float32Array([1, 2]), new Float32Array([1, 2.5]))).toBe(0.5);
  expect(maxAbsDiff(new Float32Array([1]), new Float32Array([1, 2]))).toBe(Infinity);
});
