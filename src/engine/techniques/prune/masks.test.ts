import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { expect, it } from 'vitest';
import { describeEachBackend } from '../../test-utils/backends';
import { applyMasks, isMaskUpdateStep, magnitudeKeepMasks, maskTensor, nmKeepMask, polynomialSparsity, prunableWeights } from './masks';

const zerosOf = (keep: Uint8Array) => keep.reduce((n, k) => n + (k ? 0 : 1), 0);

it('magnitudeKeepMasks: exactly round(s·n) zeros, smallest first, ties broken by order', () => {
  const [keep] = magnitudeKeepMasks([[1, -1, 1, 1, 2, 0.5]], 0.5);
  expect(Array.from(keep)).toEqual([0, 0, 1, 1, 1, 0]);
  for (const s of [0, 0.1, 0.33, 0.5, 0.9, 0.99]) {
    const values = Array.from({ length: 101 }, (_, i) => (i % 7) - 3); // many ties
    expect(zerosOf(magnitudeKeepMasks([values], s)[0]), `s=${s}`).toBe(Math.round(s * 101));
  }
});

it('magnitudeKeepMasks: one global threshold over several arrays, exact in total', () => {
  const a = [0.1, 0.2, 0.3, 0.4];
  const b = [1, 2, 3, 4, 5, 0.25, 0.3, 0.3];
  const [ka, kb] = magnitudeKeepMasks([a, b], 5 / 12);
  expect(zerosOf(ka) + zerosOf(kb)).toBe(5);
  // Three 0.3s tie at the threshold and two go: a's first (array order), then b's first.
  expect(Array.from(ka)).toEqual([0, 0, 0, 1]);
  expect(Array.from(kb)).toEqual([1, 1, 1, 1, 1, 0, 0, 1]);
});

it('polynomialSparsity follows Zhu & Gupta eq. 1', () => {
  const s = { initialSparsity: 0.1, finalSparsity: 0.9, beginStep: 10, endStep: 110, power: 3 };
  const formula = (t: number) => 0.9 + (0.1 - 0.9) * Math.pow(1 - (t - 10) / 100, 3);
  for (const t of [10, 11, 35, 60, 85, 109, 110]) expect(polynomialSparsity(t, s)).toBeCloseTo(formula(t), 12);
  expect(polynomialSparsity(0, s)).toBeCloseTo(0.1, 12);
  expect(polynomialSparsity(500, s)).toBeCloseTo(0.9, 12);
  expect(polynomialSparsity(60, { ...s, power: 1 })).toBeCloseTo(0.5, 12);
});

it('isMaskUpdateStep: every `frequency` steps from beginStep, and at endStep', () => {
  const g = { beginStep: 2, endStep: 11, frequency: 3 };
  const steps = Array.from({ length: 15 }, (_, i) => i).filter((t) => isMaskUpdateStep(t, g));
  expect(steps).toEqual([2, 5, 8, 11]);
});

it('nmKeepMask: N of every M consecutive input channels, for each output (Dense and Conv layouts)', () => {
  const rand = (n: number) => Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898) * 43758.5453 % 1);
  // Dense [in=8, out=3]: index = i·3 + o
  const dense = rand(24);
  const kd = nmKeepMask(dense, [8, 3], 0, 2, 4);
  for (let o = 0; o < 3; o++) {
    for (let g = 0; g < 8; g += 4) {
      const group = [0, 1, 2, 3].map((c) => (g + c) * 3 + o);
      expect(group.reduce((n, i) => n + kd[i], 0)).toBe(2);
      const kept = group.filter((i) => kd[i]).map((i) => Math.abs(dense[i]));
      const dropped = group.filter((i) => !kd[i]).map((i) => Math.abs(dense[i]));
      expect(Math.min(...kept)).toBeGreaterThanOrEqual(Math.max(...dropped));
    }
  }
  // Conv [kh=3, kw=3, in=8, out=4]: groups along `in`
  const conv = rand(3 * 3 * 8 * 4);
  const kc = nmKeepMask(conv, [3, 3, 8, 4], 2, 1, 4);
  for (let s = 0; s < 9; s++) for (let o = 0; o < 4; o++) for (let g = 0; g < 8; g += 4) {
    expect([0, 1, 2, 3].reduce((n, c) => n + kc[(s * 8 + g + c) * 4 + o], 0)).toBe(1);
  }
  // in = 6 with M = 4: a full group and a short one of 2, each keeping at most N = 2
  const short = nmKeepMask(rand(6), [6, 1], 0, 2, 4);
  expect(Array.from(short.slice(0, 4)).reduce((a, b) => a + b, 0)).toBe(2);
  expect(Array.from(short.slice(4)).reduce((a, b) => a + b, 0)).toBe(2);
});

describeEachBackend('prune masks', () => {
  it('prunableWeights: kernels only, never biases; tiny layers skipped unless included', () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ inputShape: [8, 8, 3], filters: 4, kernelSize: 3, name: 'c1' }), // 108 weights
        tfl.layers.separableConv2d({ filters: 40, kernelSize: 3, name: 'sep' }), // dw 36, pw 160
        tfl.layers.depthwiseConv2d({ kernelSize: 3, name: 'dw' }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 10, name: 'd' }),
      ],
    });
    try {
      const sel = prunableWeights(model, { minLayerParams: 150, include: ['dw'] });
      expect(sel.weights.map((w) => `${w.layer}/${w.kind}`)).toEqual(['sep/depthwise_kernel', 'sep/pointwise_kernel', 'dw/depthwise_kernel', 'd/kernel']);
      expect(sel.weights.map((w) => w.inputAxis)).toEqual([null, 2, null, 0]);
      expect(sel.skipped).toEqual([{ layer: 'c1', reason: '108 weights, under the 150 minimum' }]);
      const nm = prunableWeights(model, { minLayerParams: 0, requireInputAxis: true, skip: ['d'] });
      expect(nm.weights.map((w) => `${w.layer}/${w.kind}`)).toEqual(['c1/kernel', 'sep/pointwise_kernel']);
      expect(nm.skipped.map((s) => s.layer)).toEqual(['dw', 'd']);
    } finally {
      model.dispose();
    }
  });

  it('applyMasks writes w·mask as +0 and leaves unmasked weights alone', async () => {
    const model = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [2], units: 2, name: 'd', biasInitializer: 'ones' })] });
    try {
      const kernel = model.getLayer('d').weights[0];
      const start = tf.tensor2d([[-1, 2], [3, -4]]);
      kernel.write(start);
      start.dispose();
      const masks = new Map([[kernel.name, maskTensor(new Uint8Array([0, 1, 1, 0]), [2, 2])]]);
      applyMasks(model, masks);
      masks.get(kernel.name)!.dispose();
      const w = Array.from(await kernel.read().data());
      expect(w).toEqual([0, 2, 3, 0]);
      expect(Object.is(w[0], 0) && Object.is(w[3], 0)).toBe(true);
      expect(Array.from(await model.getLayer('d').weights[1].read().data())).toEqual([1, 1]);
    } finally {
      model.dispose();
    }
  });
});
