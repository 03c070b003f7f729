import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { disposeLoaded } from '../model/load';
import { describeEachBackend } from '../test-utils/backends';
import { loadedLayers } from '../test-utils/model-fixtures';
import { measureInterleaved, measureInterleavedMany, measureInterleavedManyRuns, measureInterleavedRuns } from './interleaved';

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
    // Calibration needs K=1 for a and K=2 for b; both use K=2, and rounds alternate a a b b / b b a a.
    expect(order.slice(-8).join('')).toBe('bbaaaabb');
  });
});

describe('measureInterleavedManyRuns', () => {
  it('times every run once per round and gives each one\'s ratio to the first', async () => {
    let t = 0;
    const order: string[] = [];
    const run = (name: string, ms: number) => async () => {
      order.push(name);
      t += ms;
    };
    const r = await measureInterleavedManyRuns([run('a', 4), run('b', 2), run('c', 8)], { samples: 4, allowFewSamples: true, warmupRuns: 1, minSampleMs: 3, now: () => t });
    expect(r.medianMs).toEqual([4, 2, 8]);
    expect(r.ratio).toEqual([1, 0.5, 2]);
    // Calibration needs K=1, 2, 1: all use K=2; rounds a a b b c c, then reversed c c b b a a.
    expect(order.slice(-12).join('')).toBe('aabbccccbbaa');
    await expect(measureInterleavedManyRuns([], {})).rejects.toThrow(/nothing to measure/);
  });

  it('gives the quartiles of each run\'s per-round ratios: a band that holds 1 when the runs do not differ', async () => {
    let t = 0;
    let round = 0;
    // B is 1.2× A's time in half the rounds and 0.9× in the others: its median ratio says little.
    const a = async () => {
      round++;
      t += 10;
    };
    const b = async () => {
      t += round % 4 < 2 ? 12 : 9;
    };
    const r = await measureInterleavedManyRuns([a, b], { samples: 8, allowFewSamples: true, warmupRuns: 0, minSampleMs: 1, now: () => t });
    expect(r.ratioSpread[0]).toEqual([1, 1]);
    const [p25, p75] = r.ratioSpread[1];
    expect(p25).toBeLessThanOrEqual(r.ratio[1]);
    expect(p75).toBeGreaterThanOrEqual(r.ratio[1]);
    expect(p25).toBeLessThan(1);
    expect(p75).toBeGreaterThan(1);
  });
});

describeEachBackend('measureInterleaved', () => {
  it('measures three models in one run and leaks nothing', async () => {
    const make = (units: number) =>
      tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [8], units, activation: 'relu' }), tfl.layers.dense({ units: 2 })] });
    const models = await Promise.all([64, 16, 4].map((u) => loadedLayers(make(u))));
    const r = await measureInterleavedMany(models, { batchSize: 2, samples: 3, allowFewSamples: true, warmupRuns: 1 });
    expect(r.medianMs).toHaveLength(3);
    expect(r.ratio[0]).toBe(1);
    for (const m of models) disposeLoaded(m);
  });
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
