/** F3: structured pruning of LeNet-5, WASM latency speed-up ÷ MAC reduction at batch 256. */
import * as tf from '@tensorflow/tfjs-core';
import { layersModelFlops } from '../../../src/engine/metrics/flops';
import { measureInterleaved } from '../../../src/engine/metrics/interleaved';
import { disposeLoaded } from '../../../src/engine/model/load';
import type { InputFile } from '../../../src/engine/model/types';
import { LATENCY, QUICK, RECIPES, SEEDS, log, mean, pts, round, type Ctx, type Figure } from './common';
import { accuracyOfFiles, baseline, open, prune } from './models';

export async function figureF3(c: Ctx): Promise<Figure> {
  const ratioSetting = RECIPES.structuredRatio;
  log(`F3: LeNet-5 structured pruning, ratio ${ratioSetting}, fine-tune`);
  const { base, baseAcc } = await baseline('lenet-5', c.test);
  const seeds: { seed: number; accuracy: number; files: InputFile[] }[] = [];
  for (const seed of SEEDS) {
    const files = await prune(base, { method: 'structured', ratio: ratioSetting, norm: 'l1', fineTune: RECIPES.structuredFineTune(seed) }, c.train);
    const accuracy = await accuracyOfFiles(files, c.test);
    seeds.push({ seed, accuracy, files });
    log(`F3 seed ${seed}: accuracy ${pts(accuracy)}% (loss ${round((baseAcc - accuracy) * 100)} pt)`);
  }
  const lossPts = (baseAcc - mean(seeds.map((s) => s.accuracy))) * 100;
  const a = await open(base);
  const b = await open(seeds[0].files);
  try {
    if (a.format !== 'layers' || b.format !== 'layers') throw new Error('F3: expected LayersModels');
    const flopsBefore = layersModelFlops(a.model).flops;
    const flopsAfter = layersModelFlops(b.model).flops;
    const macReduction = flopsBefore / flopsAfter;
    const r = await measureInterleaved(a, b, LATENCY);
    const speedup = 1 / r.ratio;
    const value = speedup / macReduction;
    log(`F3: MACs ÷ ${macReduction.toFixed(2)}, latency speed-up ${speedup.toFixed(2)}× (${r.aMedianMs.toFixed(2)} → ${r.bMedianMs.toFixed(2)} ms) → ${value.toFixed(2)}; loss ${lossPts.toFixed(2)} pt`);
    return {
      id: 'F3',
      name: 'structured pruning: WASM latency speed-up ÷ MAC reduction (batch 256), ≤1 pt loss',
      value: round(value, 2),
      unit: '',
      target: '≥ 0.7',
      anchor: 'NNI ModelSpeedup; none in TF.js',
      pass: value >= 0.7 && lossPts <= 1,
      detail: {
        model: 'lenet-5 sample',
        ratioSetting,
        method: `structured pruning (L1 norm), ${ratioSetting * 100}% of filters/units removed per layer, physically smaller model rebuilt, then fine-tuned on the 8,000 train images`,
        fineTune: RECIPES.structuredFineTune(1),
        params: { before: a.model.countParams(), after: b.model.countParams() },
        flopsBatch1: { before: flopsBefore, after: flopsAfter },
        macReduction: round(macReduction, 3),
        latency: { backend: tf.getBackend(), batchSize: LATENCY.batchSize, speedup: round(speedup, 3), ratio: round(r.ratio, 4), originalMedianMs: round(r.aMedianMs, 3), prunedMedianMs: round(r.bMedianMs, 3), samples: r.samples, interleaved: true },
        baselineAccuracyPct: pts(baseAcc),
        seeds: seeds.map((s) => ({ seed: s.seed, accuracyPct: pts(s.accuracy) })),
        meanLossPts: round(lossPts, 3),
        testImages: c.test.count,
        quick: QUICK,
      },
    };
  } finally {
    disposeLoaded(a);
    disposeLoaded(b);
  }
}
