import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { disposeLoaded } from '../model/load';
import { describeEachBackend } from '../test-utils/backends';
import { loadedLayers } from '../test-utils/model-fixtures';
import { measureInterleaved, measureInterleavedRuns } from './interleaved';

describe('measureInterleavedRuns', () => {
  it('alternates A and B and reports the median per-pair ratio', async () => {
    let t = 0;
    const order: string[] = [];
    const a = async () => {
      order.push('a');
      t += 4;
    };
    const b = async () => {
      order.push('b');
      t += 1;
    };
    const r = await measureInterleavedRuns(a, b, { samples: 5, allowFewSamples: true, warmupRuns: 0, minSampleMs: 2, now: () => t });
    expect(r.aMedianMs).toBe(4);
    expect(r.bMedianMs).toBe(1);
    expect(r.ratio).toBe(0.25);
    // After K calibration (a: K=1, b: K=2), samples alternate a, b, b.
    expect(order.slice(-6).join('')).toBe('abbabb');
  });
});

describeEachBackend('measureInterleaved', () => {
  it('measures two models and leaks nothing', async () => {
    const make = (units: number) =>
      tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [8], units, activation: 'relu' }), tfl.layers.dense({ units: 2 })] });
    const a = await loadedLayers(make(64));
    const b = await loadedLayers(make(4));
    const r = await measureInterleaved(a, b, { batchSize: 2, samples: 3, allowFewSamples: true, warmupRuns: 1 });
    expect(r.samples).toBe(3);
    expect(r.ratio).toBeGreaterThan(0);
    disposeLoaded(a);
    disposeLoaded(b);
  });
});
