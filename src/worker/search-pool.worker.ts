/// <reference lib="webworker" />
/**
 * One member of the search's training pool: it holds a copy of the train and validation splits,
 * trains the candidates the engine sends (one at a time), and stops at its next training step
 * whenever the engine pauses it to time a candidate.
 */
import '../backend/wasm-paths';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import * as tf from '@tensorflow/tfjs-core';
import { switchBackend } from '../backend/select';
import type { DatasetSplit } from '../engine/data/types';
import { isAbortError, toErrorInfo } from '../engine/errors';
import { registerWasmGradientKernels } from '../engine/kernels/register';
import { PauseGate } from '../engine/techniques/search/pause-gate';
import { trainCandidate } from '../engine/techniques/search/train-candidate';
import type { FromMember, PlainSplit, ToMember } from './search-pool-protocol';

declare const self: DedicatedWorkerGlobalScope;

const post = (m: FromMember) => self.postMessage(m);
const gate = new PauseGate();
const jobs = new Map<number, AbortController>();
let data: { train: DatasetSplit; validation: DatasetSplit } | null = null;
/** Jobs run one after another, each starting once the one before has settled. */
let queue: Promise<unknown> = Promise.resolve();

registerWasmGradientKernels();

const split = (s: PlainSplit): DatasetSplit => ({ xs: tf.tensor(s.xs, s.xsShape), ys: tf.tensor(s.ys, s.ysShape), count: s.xsShape[0] });

async function init(m: Extract<ToMember, { type: 'init' }>): Promise<void> {
  try {
    await switchBackend(m.backend);
    data = { train: split(m.train), validation: split(m.validation) };
    post({ type: 'ready' });
  } catch (e) {
    post({ type: 'init-error', error: toErrorInfo(e, 'BACKEND_UNAVAILABLE') });
  }
}

function train(m: Extract<ToMember, { type: 'train' }>): void {
  const controller = new AbortController();
  jobs.set(m.id, controller);
  queue = queue.then(async () => {
    try {
      if (!data) throw new Error('The pool member has no data (it did not start).');
      const d = data;
      const result = await gate.run(() => trainCandidate(m.job, d, {
        signal: controller.signal, gate,
        onProgress: (progress) => post({ type: 'progress', id: m.id, progress }),
      }));
      post({ type: 'result', id: m.id, result });
    } catch (e) {
      if (isAbortError(e) || controller.signal.aborted) post({ type: 'cancelled', id: m.id });
      else post({ type: 'error', id: m.id, error: toErrorInfo(e, 'JOB_FAILED') });
    } finally {
      jobs.delete(m.id);
    }
  });
}

self.onmessage = (event: MessageEvent<ToMember>) => {
  const m = event.data;
  switch (m.type) {
    case 'init':
      void init(m);
      break;
    case 'train':
      train(m);
      break;
    case 'cancel':
      jobs.get(m.id)?.abort();
      break;
    case 'pause':
      void gate.pause().then(() => post({ type: 'paused' }));
      break;
    case 'resume':
      gate.resume();
      break;
  }
};
