/**
 * The search's training pool as Web Workers started by the engine worker: each member gets a
 * copy of the splits and trains the candidates it is sent; `exclusive` pauses every member (each
 * answers once it waits at its next training step) before the engine times a candidate.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { DatasetSplit } from '../engine/data/types';
import { abortError, BonsaiError, type ErrorInfo } from '../engine/errors';
import type { CandidatePool, PoolFactory } from '../engine/techniques/search/candidate-pool';
import { serialized } from '../engine/techniques/search/pause-gate';
import type { TrainJobProgress, TrainJobResult } from '../engine/techniques/search/train-candidate';
import type { FromMember, PlainSplit, ToMember } from './search-pool-protocol';

/** A member that has not started in this long is given up on (the search trains in the engine). */
const START_TIMEOUT_MS = 30_000;

interface Pending {
  resolve(r: TrainJobResult): void;
  reject(e: unknown): void;
  onProgress?(p: TrainJobProgress): void;
}

const fromInfo = (e: ErrorInfo) => new BonsaiError(e.code, e.message, e.hint, e.file);

async function plain(s: DatasetSplit): Promise<PlainSplit> {
  if (!s.ys) throw new Error('the search needs labels');
  return { xs: (await s.xs.data()) as Float32Array, xsShape: s.xs.shape, ys: (await s.ys.data()) as Float32Array, ysShape: s.ys.shape };
}

class Member {
  readonly worker = new Worker(new URL('./search-pool.worker.ts', import.meta.url), { type: 'module', name: 'bonsai-search-pool' });
  readonly pending = new Map<number, Pending>();
  private pauseAcks: (() => void)[] = [];
  private dead: Error | null = null;
  readonly ready: Promise<void>;

  constructor(backend: 'wasm' | 'cpu', train: PlainSplit, validation: PlainSplit) {
    this.ready = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`a worker did not start within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
      this.worker.onmessage = (event: MessageEvent<FromMember>) => {
        const m = event.data;
        if (m.type === 'ready') {
          clearTimeout(timer);
          resolve();
        } else if (m.type === 'init-error') {
          clearTimeout(timer);
          reject(fromInfo(m.error));
        } else this.receive(m);
      };
      this.worker.onerror = (e) => {
        clearTimeout(timer);
        const error = new BonsaiError('WORKER_CRASHED', `A search pool worker stopped: ${e.message || 'unknown error'}.`, 'Run the search again; set "workers": 1 to train in the engine.');
        reject(error);
        this.fail(error);
      };
    });
    this.post({ type: 'init', backend, train, validation });
  }

  post(m: ToMember): void {
    this.worker.postMessage(m);
  }

  private receive(m: FromMember): void {
    if (m.type === 'paused') {
      this.pauseAcks.shift()?.();
      return;
    }
    if (m.type === 'ready' || m.type === 'init-error') return;
    const p = this.pending.get(m.id);
    if (!p) return;
    if (m.type === 'progress') return p.onProgress?.(m.progress);
    this.pending.delete(m.id);
    if (m.type === 'result') p.resolve(m.result);
    else if (m.type === 'cancelled') p.reject(abortError());
    else p.reject(fromInfo(m.error));
  }

  pause(): Promise<void> {
    if (this.dead) return Promise.resolve();
    return new Promise((r) => {
      this.pauseAcks.push(r);
      this.post({ type: 'pause' });
    });
  }

  /** Everything waiting on this member settles: jobs fail with `error`, pauses resolve. */
  fail(error: Error): void {
    this.dead ??= error;
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
    for (const a of this.pauseAcks.splice(0)) a();
  }

  get failure(): Error | null {
    return this.dead;
  }
}

export const spawnWorkerPool: PoolFactory = async (size, data) => {
  const backend = tf.getBackend();
  if (backend !== 'wasm' && backend !== 'cpu') throw new Error(`training workers run on wasm or cpu, and the engine is on ${backend}`);
  if (typeof Worker === 'undefined') throw new Error('this browser cannot start workers from a worker');
  const [train, validation] = await Promise.all([plain(data.train), plain(data.validation)]);
  const members: Member[] = [];
  try {
    for (let i = 0; i < size; i++) members.push(new Member(backend, train, validation));
    await Promise.all(members.map((m) => m.ready));
  } catch (e) {
    members.forEach((m) => m.worker.terminate());
    throw e;
  }
  let nextId = 1;
  const one = serialized();
  const pool: CandidatePool = {
    size,
    description: `${size} at a time, each in its own worker (${backend})`,
    train(job, options) {
      const member = members.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
      if (member.failure) return Promise.reject(member.failure);
      if (options.signal?.aborted) return Promise.reject(abortError());
      const id = nextId++;
      return new Promise<TrainJobResult>((resolve, reject) => {
        const onAbort = () => member.post({ type: 'cancel', id });
        options.signal?.addEventListener('abort', onAbort, { once: true });
        const done = () => options.signal?.removeEventListener('abort', onAbort);
        member.pending.set(id, {
          resolve: (r) => (done(), resolve(r)),
          reject: (e) => (done(), reject(e)),
          onProgress: options.onProgress,
        });
        member.post({ type: 'train', id, job });
      });
    },
    exclusive: (fn) =>
      one(async () => {
        await Promise.all(members.map((m) => m.pause()));
        try {
          return await fn();
        } finally {
          members.forEach((m) => m.post({ type: 'resume' }));
        }
      }),
    dispose() {
      for (const m of members) {
        m.fail(abortError());
        m.worker.terminate();
      }
    },
  };
  return pool;
};
