/**
 * Gradual magnitude pruning ladders (F12, F1, F2): sparsity rungs tried from the highest down, each
 * over the seeds; the first rung whose mean loss holds the bound wins (a rung whose first seed
 * already loses > 1 pt is not given the other seeds: it cannot pass).
 */
import type { DatasetSplit } from '../../../src/engine/data/types';
import type { InputFile } from '../../../src/engine/model/types';
import type { PruneConfig, TrainSettings } from '../../../src/engine/techniques/prune/meta';
import { BOUND_PTS, SEEDS, log, mean, pts, round } from './common';
import { accuracyOfFiles, prune, sizeOf } from './models';

const gradual = (sparsity: number, fineTune: TrainSettings): PruneConfig => ({
  method: 'magnitude', sparsity, schedule: 'gradual', scope: 'global', fineTune,
});

export interface RungSeed {
  seed: number;
  accuracy: number;
  lossPts: number;
  gzipBytes: number;
  storedBytes: number;
  files: InputFile[];
  seconds: number;
}

export interface Rung {
  sparsity: number;
  seeds: RungSeed[];
  meanLossPts: number;
  holds: boolean;
  stoppedEarly: boolean;
}

/** Gradual pruning ladder, highest sparsity first; stops at the first rung that holds the bound. */
export async function pruneLadder(
  label: string,
  baseFiles: InputFile[],
  baseAcc: number,
  rungs: number[],
  fineTune: (seed: number) => TrainSettings,
  train: DatasetSplit,
  test: DatasetSplit,
): Promise<Rung[]> {
  const out: Rung[] = [];
  for (const sparsity of rungs) {
    const seeds: RungSeed[] = [];
    let stoppedEarly = false;
    for (const seed of SEEDS) {
      const s0 = performance.now();
      const files = await prune(baseFiles, gradual(sparsity, fineTune(seed)), train);
      const accuracy = await accuracyOfFiles(files, test);
      const r: RungSeed = { seed, accuracy, lossPts: (baseAcc - accuracy) * 100, ...sizeOf(files), files, seconds: (performance.now() - s0) / 1000 };
      seeds.push(r);
      log(`${label} sparsity ${sparsity} seed ${seed}: accuracy ${pts(accuracy)}% (loss ${round(r.lossPts)} pt), gzip ${r.gzipBytes} B, ${r.seconds.toFixed(0)} s`);
      if (seeds.length === 1 && SEEDS.length > 1 && r.lossPts > 1) {
        stoppedEarly = true;
        break;
      }
    }
    const meanLossPts = mean(seeds.map((s) => s.lossPts));
    const rung = { sparsity, seeds, meanLossPts, holds: !stoppedEarly && meanLossPts <= BOUND_PTS, stoppedEarly };
    out.push(rung);
    if (rung.holds) break;
  }
  return out;
}

export const rungDetail = (r: Rung) => ({
  sparsity: r.sparsity,
  meanLossPts: round(r.meanLossPts, 3),
  holds: r.holds,
  ...(r.stoppedEarly ? { stoppedEarly: 'first seed lost > 1 pt: not given the other seeds' } : {}),
  seeds: r.seeds.map((s) => ({ seed: s.seed, accuracyPct: pts(s.accuracy), gzipBytes: s.gzipBytes, storedBytes: s.storedBytes })),
  meanGzipBytes: Math.round(mean(r.seeds.map((s) => s.gzipBytes))),
});
