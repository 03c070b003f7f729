import type { TrainProgress } from './meta';

export interface ProgressSink {
  progress(phase: string, done: number, total: number, point?: { series: string; x: number; y: number; xUnit?: 'training step' | 'epoch' }): void;
}

/**
 * Turn training-loop progress into job progress with chart points: the loss by step, and the
 * validation accuracy once per epoch. Every technique that fine-tunes reports the same way.
 */
export function reportTrainProgress(sink: ProgressSink, phase: string): (p: TrainProgress) => void {
  return (p) => {
    const total = p.epochs * p.batchesPerEpoch;
    const point =
      p.epochDone && p.valAccuracy !== undefined
        ? { series: 'validation accuracy', x: p.epoch, y: p.valAccuracy, xUnit: 'epoch' as const }
        : { series: 'loss', x: p.step, y: p.loss, xUnit: 'training step' as const };
    sink.progress(`${phase} · epoch ${p.epoch}/${p.epochs} · loss ${p.loss.toFixed(4)}`, Math.min(p.step, total), total, point);
  };
}
