/**
 * Gradual magnitude pruning ladders (F12, F1, F2), chosen on the validation split: sparsity rungs
 * tried from the highest down, each over the seeds (fine-tuning on the 7,000 fine-tune images);
 * the first rung whose mean VALIDATION loss (committed sample's validation accuracy minus the
 * pruned files' validation accuracy, mean over the seeds) holds the bound wins. A rung whose first
 * seed already loses > 1 pt on validation is not given the other seeds: it cannot pass. The test
 * split is never looked at here; the figures measure the chosen rung on it once.
 */
import type { InputFile } from '../../../src/engine/model/types';
import type { TrainSettings } from '../../../src/engine/techniques/prune/meta';
import { SEEDS, log, mean, pts, round, type Ctx, type PruneRunConfig, withinBound } from './common';
import { accuracyOfFiles, fitData, prune, sizeOf } from './models';

const gradual = (sparsity: number, fineTune: TrainSettings): PruneRunConfig => ({
  method: 'magnitude', sparsity, schedule: 'gradual', scope: 'global', fineTune,
});

export interface RungSeed {
  seed: number;
  valAccuracy: number;
  valLossPts: number;
  gzipBytes: number;
  storedBytes: number;
  files: InputFile[];
  seconds: number;
}

export interface Rung {
  sparsity: number;
  seeds: RungSeed[];
  meanValLossPts: number;
  holds: boolean;
  stoppedEarly: boolean;
}

/** Gradual pruning ladder, highest sparsity first; stops at the first rung that holds on validation. */
export async function pruneLadder(
  label: string,
  baseFiles: InputFile[],
  baseVal: number,
  rungs: number[],
  fineTune: (seed: number) => TrainSettings,
  c: Ctx,
): Promise<Rung[]> {
  const out: Rung[] = [];
  for (const sparsity of rungs) {
    const seeds: RungSeed[] = [];
    let stoppedEarly = false;
    for (const seed of SEEDS) {
      const s0 = performance.now();
      const files = await prune(baseFiles, gradual(sparsity, fineTune(seed)), fitData(c));
      const valAccuracy = await accuracyOfFiles(files, c.validation);
      const r: RungSeed = { seed, valAccuracy, valLossPts: (baseVal - valAccuracy) * 100, ...sizeOf(files), files, seconds: (performance.now() - s0) / 1000 };
      seeds.push(r);
      log(`${label} sparsity ${sparsity} seed ${seed}: validation ${pts(valAccuracy)}% (loss ${round(r.valLossPts)} pt), gzip ${r.gzipBytes} B, ${r.seconds.toFixed(0)} s`);
      if (seeds.length === 1 && SEEDS.length > 1 && r.valLossPts > 1) {
        stoppedEarly = true;
        break;
      }
    }
    const meanValLossPts = mean(seeds.map((s) => s.valLossPts));
    const rung = { sparsity, seeds, meanValLossPts, holds: !stoppedEarly && withinBound(meanValLossPts), stoppedEarly };
    out.push(rung);
    if (rung.holds) break;
  }
  return out;
}

/** A rung as `detail` shows it: validation accuracy per seed, mean validation loss, size and ratio. */
export const rungDetail = (r: Rung, float32Bytes: number) => {
  const gz = mean(r.seeds.map((s) => s.gzipBytes));
  return {
    sparsity: r.sparsity,
    meanValidationAccuracyPct: pts(mean(r.seeds.map((s) => s.valAccuracy))),
    meanValidationLossPts: round(r.meanValLossPts, 3),
    holdsOnValidation: r.holds,
    ...(r.stoppedEarly ? { stoppedEarly: 'first seed lost > 1 pt on validation: not given the other seeds' } : {}),
    meanGzipBytes: Math.round(gz),
    ratio: round(float32Bytes / gz, 2),
    seeds: r.seeds.map((s) => ({ seed: s.seed, validationAccuracyPct: pts(s.valAccuracy), gzipBytes: s.gzipBytes, storedBytes: s.storedBytes })),
  };
};

/**
 * How far accuracy moves from fine-tuning alone (the recipe is longer than, or differs from, the
 * sample's own training): the same fine-tune WITHOUT pruning (sparsity 0, seed 1) measured on
 * validation and test beside the sample. The samples never saw the validation digits
 * (public/samples/index.json: trainImages 7,001). Reported only; it chooses nothing.
 */
export async function denseControl(label: string, baseFiles: InputFile[], base: { val: number; test: number }, fineTune: (seed: number) => TrainSettings, c: Ctx) {
  const files = await prune(baseFiles, gradual(0, fineTune(1)), fitData(c));
  const val = await accuracyOfFiles(files, c.validation);
  const test = await accuracyOfFiles(files, c.test);
  log(`${label} dense control (same fine-tune, sparsity 0, seed 1): validation ${pts(val)}% (sample ${pts(base.val)}%), test ${pts(test)}% (sample ${pts(base.test)}%)`);
  return {
    what: 'the same fine-tune without pruning (sparsity 0, seed 1), reported only: how validation and test move from fine-tuning alone',
    validationAccuracyPct: pts(val),
    validationLossPts: round((base.val - val) * 100, 3),
    testAccuracyPct: pts(test),
    testLossPts: round((base.test - test) * 100, 3),
  };
}
