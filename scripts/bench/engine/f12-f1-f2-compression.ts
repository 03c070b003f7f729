/**
 * Compression of the MLP and CNN samples:
 *   F12 LeNet-300-100 pruning only, gzip ratio (plus the honest ≈1.0 latency ratio of sparse weights)
 *   F1  LeNet-300-100 Deep Compression (gradual pruning + fine-tune → k-means clustering), gzip ratio
 *   F2  the same recipe on LeNet-5
 */
import * as tf from '@tensorflow/tfjs-core';
import { measureInterleaved } from '../../../src/engine/metrics/interleaved';
import { disposeLoaded } from '../../../src/engine/model/load';
import type { TrainSettings } from '../../../src/engine/techniques/prune/meta';
import { BOUND_PTS, LATENCY, QUICK, RECIPES, SEEDS, log, mean, notProduced, pts, round, type Ctx, type Figure } from './common';
import { accuracyOfFiles, baseline, gzipBytes, modelJson, open, quantize, stockAccuracy, storedBytes } from './models';
import { pruneLadder, rungDetail, type Rung } from './prune-ladder';

export async function figureF12(c: Ctx): Promise<Figure> {
  log('F12: LeNet-300-100, gradual magnitude pruning with fine-tuning');
  const { base, baseAcc } = await baseline('lenet-300-100', c.test);
  const baseModel = await open(base);
  if (baseModel.format !== 'layers') throw new Error('F12: expected a LayersModel');
  const params = baseModel.model.countParams();
  const float32 = 4 * params;
  const ladder = await pruneLadder('F12', base, baseAcc, RECIPES.mlpRungs, RECIPES.mlpFineTune, c.train, c.test);
  c.mlpLadder = ladder;
  const best = ladder.find((r) => r.holds);
  const shown = best ?? ladder[ladder.length - 1];
  const gz = mean(shown.seeds.map((s) => s.gzipBytes));
  const ratio = float32 / gz;

  // Honest latency: stock TF.js has no sparse kernels, so zeros cost as much as any weight.
  const pruned = await open(shown.seeds[0].files);
  let latency;
  try {
    const r = await measureInterleaved(baseModel, pruned, LATENCY);
    latency = { batchSize: LATENCY.batchSize, ratio: round(r.ratio, 3), originalMedianMs: round(r.aMedianMs, 3), prunedMedianMs: round(r.bMedianMs, 3), samples: r.samples, backend: tf.getBackend() };
    log(`F12: interleaved latency ratio pruned/original at batch 256: ${r.ratio.toFixed(3)}`);
  } finally {
    disposeLoaded(pruned);
    disposeLoaded(baseModel);
  }
  log(`F12: ${best ? `best sparsity ${best.sparsity}` : 'no rung held the bound'}: ${float32} / ${Math.round(gz)} B = ${ratio.toFixed(1)}×`);
  return {
    id: 'F12',
    name: 'LeNet-300-100 pruning-only compression (float32 ÷ gzip) at ≤0.3 pt loss',
    value: round(ratio, 1),
    unit: '×',
    target: '≥ 12×',
    anchor: 'Han et al. 2015: 12× fewer parameters',
    pass: !!best && ratio >= 12,
    detail: {
      model: 'lenet-300-100 sample',
      params,
      float32Bytes: float32,
      baselineAccuracyPct: pts(baseAcc),
      originalGzipBytes: gzipBytes(base),
      bestSparsity: best?.sparsity ?? null,
      ...(best ? {} : { note: `no rung held ≤ ${BOUND_PTS} pt; value shown for the last rung tried (${shown.sparsity}), so pass = false` }),
      meanGzipBytes: Math.round(gz),
      method: 'gradual magnitude pruning (Zhu & Gupta cubic schedule, one global threshold; layers < 1,000 weights skipped) during fine-tuning on the 8,000 train images',
      fineTune: RECIPES.mlpFineTune(1),
      rungs: ladder.map(rungDetail),
      seeds: SEEDS,
      unstructuredLatency: { ...latency, note: 'stock TF.js has no sparse kernels: exact zeros are multiplied like any weight, latency ratio ≈ 1.0; the win is download size' },
      testImages: c.test.count,
      quick: QUICK,
    },
  };
}

interface ClusteredSeed { seed: number; accuracy: number; stock: number; gzip: number; stored: number }

const clusteredSeedDetail = (s: ClusteredSeed) =>
  ({ seed: s.seed, accuracyPct: pts(s.accuracy), stockLoaderAccuracyPct: pts(s.stock), gzipBytes: s.gzip, storedBytes: s.stored });

/**
 * Deep Compression: gradual pruning with fine-tune → k-means clustering (uint8 codes, k values per
 * tensor, zero pinned). For each pruning rung (highest first) and each k (fewest first), cluster
 * each seed's pruned model; the first (rung, k) whose mean loss holds the bound wins.
 */
async function deepCompression(
  id: 'F1' | 'F2',
  sample: string,
  ladder: Rung[],
  baseAcc: number,
  c: Ctx,
): Promise<{ tried: Record<string, unknown>[]; best: null | { sparsity: number; k: number; seeds: ClusteredSeed[] } }> {
  const tried: Record<string, unknown>[] = [];
  for (const rung of ladder) {
    if (rung.stoppedEarly || rung.meanLossPts > BOUND_PTS) {
      tried.push({ sparsity: rung.sparsity, skipped: `pruning alone already lost ${round(rung.meanLossPts)} pt` });
      continue;
    }
    for (const k of RECIPES.clusterKs) {
      const seeds: ClusteredSeed[] = [];
      for (const s of rung.seeds) {
        const files = await quantize(s.files, { method: 'cluster', k });
        const accuracy = await accuracyOfFiles(files, c.test);
        const stock = await stockAccuracy(files, c.test);
        seeds.push({ seed: s.seed, accuracy, stock, gzip: gzipBytes(files), stored: storedBytes(files) });
        log(`${id} ${sample} sparsity ${rung.sparsity} k ${k} seed ${s.seed}: accuracy ${pts(accuracy)}% (stock ${pts(stock)}%), gzip ${gzipBytes(files)} B`);
      }
      const meanLoss = (baseAcc - mean(seeds.map((s) => s.accuracy))) * 100;
      tried.push({
        sparsity: rung.sparsity, k, meanLossPts: round(meanLoss, 3), holds: meanLoss <= BOUND_PTS,
        meanGzipBytes: Math.round(mean(seeds.map((s) => s.gzip))),
        seeds: seeds.map(clusteredSeedDetail),
      });
      if (meanLoss <= BOUND_PTS) return { tried, best: { sparsity: rung.sparsity, k, seeds } };
    }
  }
  return { tried, best: null };
}

function deepCompressionFigure(
  id: 'F1' | 'F2',
  name: string,
  target: number,
  anchor: string,
  sample: string,
  params: number,
  baseAcc: number,
  ladder: Rung[],
  fineTune: TrainSettings,
  dc: Awaited<ReturnType<typeof deepCompression>>,
  testImages: number,
): Figure | null {
  if (!dc.best) {
    log(`${id}: no (sparsity, k) held the ${BOUND_PTS} pt bound — figure not produced`);
    notProduced.push({ id, reason: `no pruning rung / cluster count held the ${BOUND_PTS} pt bound (mean of ${SEEDS.length} seed${SEEDS.length > 1 ? 's' : ''})`, pruningRungs: ladder.map(rungDetail), tried: dc.tried, fineTune, quick: QUICK });
    return null;
  }
  const gz = mean(dc.best.seeds.map((s) => s.gzip));
  const ratio = (4 * params) / gz;
  const stockMatches = dc.best.seeds.every((s) => Math.abs(s.stock - s.accuracy) < 1e-9);
  log(`${id}: sparsity ${dc.best.sparsity}, k ${dc.best.k}: ${4 * params} / ${Math.round(gz)} B = ${ratio.toFixed(1)}×; stock loader reproduces accuracy: ${stockMatches}`);
  return {
    id,
    name,
    value: round(ratio, 1),
    unit: '×',
    target: `≥ ${target}×`,
    anchor,
    pass: ratio >= target && stockMatches,
    detail: {
      model: `${sample} sample`,
      params,
      float32Bytes: 4 * params,
      baselineAccuracyPct: pts(baseAcc),
      recipe: `gradual magnitude pruning to ${dc.best.sparsity} (global, cubic schedule, fine-tune on the 8,000 train images) → k-means clustering k = ${dc.best.k} per tensor (uint8 codes, zero pinned), stored as stock TF.js uint8-affine weights`,
      sparsity: dc.best.sparsity,
      k: dc.best.k,
      meanGzipBytes: Math.round(gz),
      meanLossPts: round((baseAcc - mean(dc.best.seeds.map((s) => s.accuracy))) * 100, 3),
      stockLoaderReproducesAccuracy: stockMatches,
      seeds: dc.best.seeds.map(clusteredSeedDetail),
      fineTune,
      pruningRungs: ladder.map(rungDetail),
      tried: dc.tried,
      testImages,
      quick: QUICK,
    },
  };
}

export async function figureF1(c: Ctx): Promise<Figure | null> {
  const { base, baseAcc } = await baseline('lenet-300-100', c.test);
  const params = (JSON.parse(new TextDecoder().decode(modelJson(base).bytes)) as { weightsManifest: { weights: { shape: number[] }[] }[] })
    .weightsManifest.flatMap((g) => g.weights).reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0);
  const ladder = c.mlpLadder ?? (await pruneLadder('F1', base, baseAcc, RECIPES.mlpRungs, RECIPES.mlpFineTune, c.train, c.test));
  log('F1: LeNet-300-100 Deep Compression (pruned models → clustering)');
  const dc = await deepCompression('F1', 'lenet-300-100', ladder, baseAcc, c);
  return deepCompressionFigure('F1', 'LeNet-300-100 compression ratio at ≤0.3 pt loss, stock-loadable', 50, 'Deep Compression 40× (needs a custom decoder)',
    'lenet-300-100', params, baseAcc, ladder, RECIPES.mlpFineTune(1), dc, c.test.count);
}

export async function figureF2(c: Ctx): Promise<Figure | null> {
  log('F2: LeNet-5 Deep Compression: gradual pruning with fine-tuning');
  const { base, baseAcc } = await baseline('lenet-5', c.test);
  const m = await open(base);
  if (m.format !== 'layers') throw new Error('F2: expected a LayersModel');
  const params = m.model.countParams();
  disposeLoaded(m);
  const ladder = await pruneLadder('F2', base, baseAcc, RECIPES.cnnRungs, RECIPES.cnnFineTune, c.train, c.test);
  const dc = await deepCompression('F2', 'lenet-5', ladder, baseAcc, c);
  return deepCompressionFigure('F2', 'LeNet-5 compression ratio at ≤0.3 pt loss, stock-loadable', 45, 'Deep Compression 39×',
    'lenet-5', params, baseAcc, ladder, RECIPES.cnnFineTune(1), dc, c.test.count);
}
