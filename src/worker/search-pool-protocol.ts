/** Messages between the engine worker and a search pool member (src/worker/search-pool.worker.ts). */
import type { ErrorInfo } from '../engine/errors';
import type { TrainJob, TrainJobProgress, TrainJobResult } from '../engine/techniques/search/train-candidate';

/** A split as plain arrays (the member builds its own tensors). */
export interface PlainSplit {
  xs: Float32Array;
  xsShape: number[];
  ys: Float32Array;
  ysShape: number[];
}

export type ToMember =
  | { type: 'init'; backend: 'wasm' | 'cpu'; train: PlainSplit; validation: PlainSplit }
  | { type: 'train'; id: number; job: TrainJob }
  | { type: 'cancel'; id: number }
  /** Answered with 'paused' once the member is idle or waiting at its next training step. */
  | { type: 'pause' }
  | { type: 'resume' };

export type FromMember =
  | { type: 'ready' }
  | { type: 'init-error'; error: ErrorInfo }
  | { type: 'paused' }
  | { type: 'progress'; id: number; progress: TrainJobProgress }
  | { type: 'result'; id: number; result: TrainJobResult }
  | { type: 'cancelled'; id: number }
  | { type: 'error'; id: number; error: ErrorInfo };
