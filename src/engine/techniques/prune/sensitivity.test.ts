import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetSplit } from '../../data/types';
import { describeEachBackend } from '../../test-utils/backends';
import { loadedLayers } from '../../test-utils/model-fixtures';
import { denseClassifier, disposeSplit, mnistSplit, weightValues } from '../../test-utils/train-fixtures';
import type { TechniquePoint } from '../types';
import { runPrune } from './run';
import { autoRatios, sensitivityScan, type SensitivityRow } from './sensitivity';

describe('autoRatios', () => {
  const row = (layer: string, ratio: number, metric: number): SensitivityRow => ({ layer, ratio, metric, metricName: 'accuracy' });
  const scan = [
    row('a', 0, 0.9), row('a', 0.5, 0.9), row('a', 0.8, 0.895), row('a', 0.9, 0.85),
    row('b', 0, 0.9), row('b', 0.5, 0.899), row('b', 0.8, 0.86), row('b', 0.9, 0.899), // 0.9 after a failing 0.8: noise, not taken
  ];

  it('accuracy-drop: the largest ratio within each layer’s even share of the budget', () => {
    const pick = autoRatios(scan, 0.9, { kind: 'accuracy-drop', points: 1 }, {});
    expect(pick.perLayer).toEqual({ a: 0.8, b: 0.5 });
    expect(pick.predictedDropPoints).toBeCloseTo(0.5 + 0.1, 9);
    expect(autoRatios(scan, 0.9, { kind: 'accuracy-drop', points: 0 }, {}).perLayer).toEqual({ a: 0.5, b: 0 });
  });

  it('flops-reduction: cheapest drop per FLOP first, until the fraction is removed', () => {
    const flops = { a: 100, b: 300, head: 100 };
    const pick = autoRatios(scan, 0.9, { kind: 'flops-reduction', fraction: 0.3 }, flops);
    // a@0.5 is free (50 FLOPs); b@0.5 costs 0.1 pt for 150: both needed to pass 150 of 500.
    expect(pick.perLayer).toEqual({ a: 0.5, b: 0.5 });
    expect(pick.flopsRemovedFraction).toBeCloseTo(0.4, 9);
    expect(pick.reached).toBe(true);
    expect(autoRatios(scan, 0.9, { kind: 'flops-reduction', fraction: 0.9 }, flops).reached).toBe(false);
  });
});

describeEachBackend('sensitivityScan', () => {
  let validation: DatasetSplit;
  beforeAll(() => {
    validation = mnistSplit('test', 128);
  });
  afterAll(() => disposeSplit(validation));

  it('probes one layer at a time on accuracy, restores weights, never touches the input', async () => {
    const model = denseClassifier({ inputs: 784, hidden: [32, 16], classes: 10 });
    const input = await loadedLayers(model);
    const before = weightValues(model);
    const points: TechniquePoint[] = [];
    try {
      const rows = await sensitivityScan(input, { validation }, { ratios: [0.5, 0.99], minLayerParams: 0, progress: (_p, _d, _t, pt) => void (pt && points.push(pt)) });
      expect(weightValues(model)).toEqual(before);
      const layers = model.layers.map((l) => l.name);
      expect(rows.map((r) => [r.layer, r.ratio])).toEqual(layers.flatMap((l) => [[l, 0], [l, 0.5], [l, 0.99]]));
      expect(new Set(rows.filter((r) => r.ratio === 0).map((r) => r.metric)).size).toBe(1);
      expect(rows.every((r) => r.metricName === 'accuracy' && r.metric >= 0 && r.metric <= 1)).toBe(true);
      expect(points).toHaveLength(6);
      // Probes are independent: a second scan measures the same numbers.
      const again = await sensitivityScan(input, { validation }, { ratios: [0.5, 0.99], minLayerParams: 0 });
      expect(again.map((r) => r.metric)).toEqual(rows.map((r) => r.metric));
    } finally {
      model.dispose();
    }
  });

  it('unlabeled data: fidelity to the unpruned model (1 at ratio 0); the filters probe too', async () => {
    const model = denseClassifier({ inputs: 784, hidden: [32], classes: 10 });
    const input = await loadedLayers(model);
    try {
      const rows = await sensitivityScan(input, { validation: { xs: validation.xs, ys: null, count: validation.count } }, { ratios: [0.9], method: 'filters' });
      expect(rows).toHaveLength(2);
      expect(rows[0]).toEqual({ layer: model.layers[0].name, ratio: 0, metric: 1, metricName: 'fidelity' });
      expect(rows[1].metric).toBeLessThan(1);
    } finally {
      model.dispose();
    }
  });

  it("runPrune 'auto': picks per-layer sparsities from the scan and reports it per layer", async () => {
    const model = denseClassifier({ inputs: 784, hidden: [32, 16], classes: 10 });
    const input = await loadedLayers(model);
    try {
      const r = await runPrune(input, { method: 'auto', target: { kind: 'accuracy-drop', points: 2 }, ratios: [0.3, 0.6, 0.9], minLayerParams: 0 }, { validation }, { progress: () => {} });
      expect(r.perLayer).toHaveLength(3);
      for (const row of r.perLayer) {
        expect(row).toHaveProperty('scan 0%');
        expect(row).toHaveProperty('scan 90%');
        expect(Math.abs((row.sparsity as number) - (row.chosenRatio as number))).toBeLessThan(0.01);
      }
      expect(r.notes[0]).toMatch(/Sensitivity scan on accuracy/);
      expect(r.step).toMatch(/^auto: per-layer sparsities from a sensitivity scan, within 2 pt of accuracy$/);
    } finally {
      model.dispose();
    }
  });
});
