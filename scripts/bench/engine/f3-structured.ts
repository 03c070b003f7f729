/**
 * F3: structured pruning of LeNet-5 (the 61,706-param sample): measured WASM latency speed-up vs the
 * parent, the smaller of batch 1 and batch 256, at ≤ 0.3 pt loss (target ≥ 2×).
 *
 * Choosing (validation only): each candidate of RECIPES.structuredCandidates (uniform or per-layer
 * L1 filter/unit ratios, with or without filter-shape pruning of 5×5 'same' convs to 3×3, or depth
 * pruning: pools folded into conv strides and hidden Dense layers merged; the physically smaller
 * model rebuilt) is fine-tuned on the 7,000 fine-tune images, once per seed; its
 * validation loss is the mean over the seeds, its speed-up is timed interleaved vs the parent on
 * seed 1's model (latency needs no labels). The candidate with the highest speed-up (smaller of
 * batch 1 and 256) whose mean validation loss ≤ 0.3 pt is chosen.
 *
 * Reporting (once): for every seed of the chosen candidate, interleaved A/B latency vs the parent at
 * batch 1 and batch 256 (fresh runs), the mean speed-up per batch size, the smaller of the two is
 * the value; accuracy on the 2,000 test images from the exported files reopened (stock loader too).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { layersModelFlops } from '../../../src/engine/metrics/flops';
import { measureInterleaved } from '../../../src/engine/metrics/interleaved';
import { disposeLoaded } from '../../../src/engine/model/load';
import type { LoadedModel } from '../../../src/engine/model/loaded';
import type { InputFile } from '../../../src/engine/model/types';
import { BOUND_PTS, LATENCY, QUICK, RECIPES, SEEDS, log, mean, pts, round, type Ctx, type Figure, type StructuredCandidate, withinBound } from './common';
import { measureOnTest, testDetail } from './f12-f1-f2-compression';
import { accuracyOfFiles, baseline, fitData, open, prune } from './models';

const BATCHES = [1, 256] as const;
const SELECT_SAMPLES = 30;

interface SeedRun { seed: number; valAccuracy: number; files: InputFile[] }

interface RatioTrial {
  label: string;
  config: StructuredCandidate['config'];
  seeds: SeedRun[];
  meanValLossPts: number;
  stoppedEarly: boolean;
  holds: boolean;
  /** Speed-up vs the parent (parent ms ÷ pruned ms) per batch size, seed 1's model. */
  speedup: Record<number, number>;
  minSpeedup: number;
  flops: number;
  params: number;
}

/** Interleaved A/B (parent, pruned) at `batchSize`: speed-up = 1 / median pair ratio. */
async function speedupAt(a: LoadedModel, b: LoadedModel, batchSize: number, samples: number) {
  const r = await measureInterleaved(a, b, { batchSize, samples });
  return { speedup: 1 / r.ratio, parentMedianMs: r.aMedianMs, prunedMedianMs: r.bMedianMs, samples: r.samples };
}

/**
 * The ceiling of structured pruning that keeps the layers: the parent with every hidden layer cut to
 * ONE filter or unit (the output layer kept) and every 'same' convolution's kernel to 1×1 (the
 * 'valid' ones keep theirs: their output size depends on it), random weights. No channel ratio or
 * filter-shape pruning can make LeNet-5 faster than this without removing layers. Timed interleaved
 * with the parent at each batch size; latency needs no training.
 */
async function narrowestSpeedup(parent: LoadedModel): Promise<Record<number, number>> {
  if (parent.format !== 'layers') throw new Error('F3: expected a LayersModel');
  const topology = JSON.parse(JSON.stringify(parent.model.toJSON(null, false))) as { config: { layers: { class_name: string; config: Record<string, unknown> }[] } };
  const layers = topology.config.layers;
  const last = layers.map((l) => l.class_name).lastIndexOf('Dense');
  layers.forEach((l, i) => {
    if (l.class_name === 'Conv2D') {
      l.config.filters = 1;
      if (l.config.padding === 'same') l.config.kernel_size = [1, 1];
    }
    if (l.class_name === 'Dense' && i !== last) l.config.units = 1;
  });
  const narrow = (await tfl.models.modelFromJSON(topology as never)) as tfl.LayersModel;
  const out: Record<number, number> = {};
  try {
    for (const b of BATCHES) out[b] = (await speedupAt(parent, { format: 'layers', model: narrow } as LoadedModel, b, LATENCY.samples)).speedup;
  } finally {
    narrow.dispose();
  }
  return out;
}

function flopsAndParams(m: LoadedModel): { flops: number; params: number } {
  if (m.format !== 'layers') throw new Error('F3: expected a LayersModel');
  return { flops: layersModelFlops(m.model).flops, params: m.model.countParams() };
}

export async function figureF3(c: Ctx): Promise<Figure> {
  const candidates = RECIPES.structuredCandidates(1);
  log(`F3: LeNet-5 structured pruning, candidates ${candidates.map((k) => k.label).join('; ')} chosen on validation`);
  const { base, baseVal, baseTest } = await baseline('lenet-5', c);
  const parent = await open(base);
  try {
    const before = flopsAndParams(parent);
    const ceiling = await narrowestSpeedup(parent);
    log(`F3: ceiling of structured pruning that keeps the layers (every hidden layer at 1 filter/unit, 'same' kernels 1×1, untrained): batch 1 ${ceiling[1].toFixed(2)}×, batch 256 ${ceiling[256].toFixed(2)}×`);

    // ---- choose on validation
    const trials: RatioTrial[] = [];
    for (const [index, candidate] of candidates.entries()) {
      const label = candidate.label;
      const seeds: SeedRun[] = [];
      let stoppedEarly = false;
      for (const seed of SEEDS) {
        const files = await prune(base, RECIPES.structuredCandidates(seed)[index].config, fitData(c));
        const valAccuracy = await accuracyOfFiles(files, c.validation);
        seeds.push({ seed, valAccuracy, files });
        log(`F3 ${label} seed ${seed}: validation ${pts(valAccuracy)}% (loss ${round((baseVal - valAccuracy) * 100)} pt)`);
        if (seeds.length === 1 && SEEDS.length > 1 && (baseVal - valAccuracy) * 100 > 1) {
          stoppedEarly = true;
          break;
        }
      }
      const meanValLossPts = (baseVal - mean(seeds.map((s) => s.valAccuracy))) * 100;
      const pruned = await open(seeds[0].files);
      const speedup: Record<number, number> = {};
      let fp;
      try {
        fp = flopsAndParams(pruned);
        for (const b of BATCHES) speedup[b] = (await speedupAt(parent, pruned, b, SELECT_SAMPLES)).speedup;
      } finally {
        disposeLoaded(pruned);
      }
      const t: RatioTrial = {
        label, config: candidate.config, seeds, meanValLossPts, stoppedEarly, holds: !stoppedEarly && withinBound(meanValLossPts),
        speedup, minSpeedup: Math.min(...BATCHES.map((b) => speedup[b])), ...fp,
      };
      trials.push(t);
      log(`F3 ${label}: mean validation loss ${meanValLossPts.toFixed(2)} pt (${t.holds ? 'holds' : 'does not hold'}), speed-up batch 1 ${speedup[1].toFixed(2)}×, batch 256 ${speedup[256].toFixed(2)}×, MACs ÷ ${(before.flops / fp.flops).toFixed(2)}`);
    }
    const holding = trials.filter((t) => t.holds);
    const chosen = holding.length ? holding.reduce((a, b) => (b.minSpeedup > a.minSpeedup ? b : a)) : null;
    // Without a candidate that holds, the one with the smallest validation loss is shown (pass = false).
    const shown = chosen ?? [...trials].sort((a, b) => a.meanValLossPts - b.meanValLossPts)[0];

    // ---- report once: latency on every seed, accuracy on test
    const perSeed: { seed: number; batch: Record<number, Awaited<ReturnType<typeof speedupAt>>> }[] = [];
    for (const s of shown.seeds) {
      const pruned = await open(s.files);
      try {
        const batch: Record<number, Awaited<ReturnType<typeof speedupAt>>> = {};
        for (const b of BATCHES) batch[b] = await speedupAt(parent, pruned, b, LATENCY.samples);
        perSeed.push({ seed: s.seed, batch });
        log(`F3 ${shown.label} seed ${s.seed}: speed-up batch 1 ${batch[1].speedup.toFixed(2)}× (${batch[1].parentMedianMs.toFixed(3)} → ${batch[1].prunedMedianMs.toFixed(3)} ms), batch 256 ${batch[256].speedup.toFixed(2)}× (${batch[256].parentMedianMs.toFixed(2)} → ${batch[256].prunedMedianMs.toFixed(2)} ms)`);
      } finally {
        disposeLoaded(pruned);
      }
    }
    const meanSpeedup: Record<number, number> = {};
    for (const b of BATCHES) meanSpeedup[b] = mean(perSeed.map((p) => p.batch[b].speedup));
    const value = Math.min(...BATCHES.map((b) => meanSpeedup[b]));
    const macReduction = before.flops / shown.flops;
    const test = await measureOnTest(`F3 ${shown.label}`, shown.seeds, baseTest, c);
    const pass = !!chosen && value >= 2 && withinBound(test.lossPts) && test.stockMatches;
    log(`F3: ${chosen ? 'chosen' : 'NONE held on validation; shown'} ${shown.label}: speed-up batch 1 ${meanSpeedup[1].toFixed(2)}×, batch 256 ${meanSpeedup[256].toFixed(2)}× → ${value.toFixed(2)}×; MACs ÷ ${macReduction.toFixed(2)}; test loss ${test.lossPts.toFixed(2)} pt`);

    return {
      id: 'F3',
      name: 'structured pruning of LeNet-5: measured WASM latency speed-up, the smaller of batch 1 and batch 256, at ≤0.3 pt loss',
      value: round(value, 2),
      unit: '×',
      target: '≥ 2×',
      anchor: 'network slimming / NNI ModelSpeedup; none in TF.js',
      pass,
      detail: {
        model: 'lenet-5 sample (61,706 params)',
        splits: c.splits,
        baselineValidationAccuracyPct: pts(baseVal),
        choice: `candidates ${candidates.map((k) => k.label).join('; ')} tried, each fine-tuned once per seed; the highest speed-up (smaller of batch 1 and 256, seed 1's model, ${SELECT_SAMPLES} interleaved samples) whose mean validation loss ≤ ${BOUND_PTS} pt is chosen`,
        chosen: chosen?.label ?? null,
        ...(chosen ? {} : { note: `no candidate held ≤ ${BOUND_PTS} pt on validation; value shown for the one with the smallest validation loss (${shown.label}), so pass = false` }),
        tried: trials.map((t) => ({
          candidate: t.label,
          config: { ...t.config, fineTune: undefined },
          meanValidationAccuracyPct: pts(mean(t.seeds.map((s) => s.valAccuracy))),
          meanValidationLossPts: round(t.meanValLossPts, 3),
          holdsOnValidation: t.holds,
          ...(t.stoppedEarly ? { stoppedEarly: 'first seed lost > 1 pt on validation: not given the other seeds' } : {}),
          seeds: t.seeds.map((s) => ({ seed: s.seed, validationAccuracyPct: pts(s.valAccuracy) })),
          speedupBatch1: round(t.speedup[1], 3),
          speedupBatch256: round(t.speedup[256], 3),
          macReduction: round(before.flops / t.flops, 3),
          params: t.params,
        })),
        method: `structured pruning (L1 norm): ${shown.label}; physically smaller model rebuilt, then fine-tuned on the ${c.train.count} fine-tune images`,
        structuredPruningCeiling: {
          what: "speed-up of LeNet-5 with every hidden layer cut to one filter or unit and every 'same' convolution's kernel to 1×1 (output layer kept, untrained, latency only): no channel ratio or filter-shape pruning can beat it while the layers stay",
          speedupBatch1: round(ceiling[1], 3),
          speedupBatch256: round(ceiling[256], 3),
        },
        latencyNote: 'batch 256 runs as one predict batch (before this change the harness used Keras\' default of 32: 8 batches plus a slice and a concat, which cost more than the convolutions); at batch 1 the per-layer cost of predict (JS, op dispatch, read-back) that pruning cannot shrink bounds the speed-up',
        fineTune: { channelCuts: RECIPES.structuredFineTune(1), depthCuts: RECIPES.depthFineTune(1), depthCutsRates: [1e-3, 2e-3] },
        params: { before: before.params, after: shown.params },
        flopsBatch1: { before: before.flops, after: shown.flops },
        macReduction: round(macReduction, 3),
        latency: {
          backend: tf.getBackend(),
          protocol: `per seed: interleaved A (parent) / B (pruned), ${LATENCY.samples} samples after 10 warm-up pairs, each sample K back-to-back inferences with read-back (≥ 2 ms); speed-up = 1 ÷ median pair ratio`,
          meanSpeedupBatch1: round(meanSpeedup[1], 3),
          meanSpeedupBatch256: round(meanSpeedup[256], 3),
          perSeed: perSeed.map((p) => ({
            seed: p.seed,
            ...Object.fromEntries(BATCHES.map((b) => [`batch${b}`, { speedup: round(p.batch[b].speedup, 3), parentMedianMs: round(p.batch[b].parentMedianMs, 4), prunedMedianMs: round(p.batch[b].prunedMedianMs, 4), samples: p.batch[b].samples }])),
          })),
        },
        speedupPerMacReduction: { batch1: round(meanSpeedup[1] / macReduction, 3), batch256: round(meanSpeedup[256] / macReduction, 3) },
        test: testDetail(test, baseTest),
        teacherSample: await teacherDepthCut(c),
        seeds: SEEDS,
        quick: QUICK,
      },
    };
  } finally {
    disposeLoaded(parent);
  }
}

/**
 * The teacher sample (conv → BN → ReLU → pool twice, dropout, Dense 256, dropout, Dense 10) with
 * one fixed depth cut, reported beside F3 (issue 12 asks for LeNet-5 "and the teacher sample"):
 * both pools folded through BN and ReLU, fc1 merged into fc2 with its dropouts. No choice is made:
 * the teacher was trained on all 8,000 train images, validation included, so a validation choice
 * would be biased. The recipe is fixed: that of F3's 2e-3 depth candidate (cosine, shifts; the one
 * F3 chose for LeNet-5 on 2026-12-01, not necessarily what a later run chooses), at 15 epochs, not
 * 30: the teacher trains ~5× slower. Test once per seed, latency interleaved like F3's.
 */
async function teacherDepthCut(c: Ctx) {
  const { base, baseTest } = await baseline('teacher-cnn', c);
  const parent = await open(base);
  try {
    const seeds: { seed: number; files: InputFile[] }[] = [];
    const latency: { seed: number; batch1: number; batch256: number }[] = [];
    let params: number | null = null;
    for (const seed of SEEDS) {
      const fineTune = { ...RECIPES.depthFineTune(seed, 2e-3), epochs: QUICK ? 1 : 15 };
      const files = await prune(base, { method: 'structured', ratio: 0, norm: 'l1', foldPooling: true, mergeDense: 1, fineTune }, fitData(c));
      seeds.push({ seed, files });
      const pruned = await open(files);
      try {
        params = pruned.format === 'layers' ? pruned.model.countParams() : null;
        latency.push({ seed, batch1: (await speedupAt(parent, pruned, 1, LATENCY.samples)).speedup, batch256: (await speedupAt(parent, pruned, 256, LATENCY.samples)).speedup });
      } finally {
        disposeLoaded(pruned);
      }
      log(`F3 teacher depth cut seed ${seed}: speed-up batch 1 ${latency[latency.length - 1].batch1.toFixed(2)}×, batch 256 ${latency[latency.length - 1].batch256.toFixed(2)}×`);
    }
    const test = await measureOnTest('F3 teacher depth cut', seeds, baseTest, c);
    const b1 = mean(latency.map((l) => l.batch1));
    const b256 = mean(latency.map((l) => l.batch256));
    log(`F3 teacher depth cut: batch 1 ${b1.toFixed(2)}×, batch 256 ${b256.toFixed(2)}×, test loss ${test.lossPts.toFixed(2)} pt`);
    return {
      cut: 'pools folded into strides (through BN and ReLU), fc1 merged into fc2 (with its dropouts)',
      fineTune: { ...RECIPES.depthFineTune(1, 2e-3), epochs: QUICK ? 1 : 15 },
      choice: 'none: one fixed setting (the teacher saw the validation digits in training)',
      params: { before: parent.format === 'layers' ? parent.model.countParams() : null, after: params },
      meanSpeedupBatch1: round(b1, 3),
      meanSpeedupBatch256: round(b256, 3),
      perSeed: latency.map((l) => ({ seed: l.seed, speedupBatch1: round(l.batch1, 3), speedupBatch256: round(l.batch256, 3) })),
      test: testDetail(test, baseTest),
      meets2xAtBound: Math.min(b1, b256) >= 2 && withinBound(test.lossPts) && test.stockMatches,
    };
  } finally {
    disposeLoaded(parent);
  }
}
