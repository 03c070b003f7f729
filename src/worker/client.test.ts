import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EngineClient, EngineError, type WorkerLike } from './client';
import type { FromWorker, ToWorker } from './protocol';

class FakeWorker implements WorkerLike {
  sent: ToWorker[] = [];
  terminated = false;
  onmessage: ((event: MessageEvent<FromWorker>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  postMessage(message: ToWorker): void {
    this.sent.push(message);
  }
  terminate(): void {
    this.terminated = true;
  }
  reply(message: FromWorker): void {
    this.onmessage?.({ data: message } as MessageEvent<FromWorker>);
  }
  lastJobId(): string {
    const start = [...this.sent].reverse().find((m) => m.type === 'start');
    if (!start || start.type !== 'start') throw new Error('no job started');
    return start.jobId;
  }
}

const importSpec = { kind: 'import', source: { kind: 'sample', sampleId: 'lenet-5' } } as const;

describe('EngineClient', () => {
  let workers: FakeWorker[];
  let client: EngineClient;
  beforeEach(() => {
    vi.useFakeTimers();
    workers = [];
    client = new EngineClient(
      () => {
        const w = new FakeWorker();
        workers.push(w);
        return w;
      },
      { watchdogMs: 1000, cancelGraceMs: 200 },
    );
  });
  afterEach(() => vi.useRealTimers());

  it('starts the worker with the chosen backend', () => {
    client.start('wasm');
    expect(workers[0].sent[0]).toEqual({ type: 'init', backend: 'wasm' });
  });

  it('a restart the user asks for ends running jobs like a Cancel and starts a fresh worker', async () => {
    const restarted = vi.fn();
    client.on('restarted', restarted);
    const p = client.run(importSpec);
    client.restartNow();
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    expect(workers[0].terminated).toBe(true);
    expect(workers).toHaveLength(2);
    expect(restarted).toHaveBeenCalledWith(expect.objectContaining({ message: 'The engine was restarted on request.' }), true);
  });

  it('routes progress and result to the right job', async () => {
    const progress = vi.fn();
    const p = client.run(importSpec, { onProgress: progress });
    const w = workers[0];
    const jobId = w.lastJobId();
    w.reply({ type: 'progress', jobId, phase: 'Validating', done: 1, total: 4 });
    w.reply({ type: 'result', jobId, result: { kind: 'benchmark', result: { modelId: 'm1', runs: [], profiles: [], agreement: [] } } });
    await expect(p).resolves.toMatchObject({ kind: 'benchmark' });
    expect(progress).toHaveBeenCalledWith({ phase: 'Validating', done: 1, total: 4, point: undefined });
  });

  it('rejects with the catalogued error', async () => {
    const p = client.run(importSpec);
    const w = workers[0];
    w.reply({ type: 'error', jobId: w.lastJobId(), error: { code: 'NOT_JSON', message: 'bad', hint: 'fix it' } });
    const err = await p.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).info.code).toBe('NOT_JSON');
  });

  it('cancel sends cancel and rejects with AbortError when acknowledged', async () => {
    const controller = new AbortController();
    const p = client.run(importSpec, { signal: controller.signal });
    const w = workers[0];
    controller.abort();
    expect(w.sent.at(-1)).toEqual({ type: 'cancel', jobId: w.lastJobId() });
    w.reply({ type: 'cancelled', jobId: w.lastJobId() });
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    expect(w.terminated).toBe(false);
  });

  it('replaces a worker that ignores cancel', async () => {
    const restarted = vi.fn();
    client.on('restarted', restarted);
    const controller = new AbortController();
    const p = client.run(importSpec, { signal: controller.signal });
    controller.abort();
    vi.advanceTimersByTime(250);
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    expect(workers[0].terminated).toBe(true);
    expect(workers).toHaveLength(2);
    expect(restarted).toHaveBeenCalledWith(expect.objectContaining({ code: 'WORKER_CRASHED' }), true);
  });

  it('a hung load trips the watchdog: LOAD_TIMEOUT, worker replaced, other jobs failed', async () => {
    const restarted = vi.fn();
    client.on('restarted', restarted);
    const p = client.run(importSpec);
    vi.advanceTimersByTime(1001);
    const err = (await p.catch((e: unknown) => e)) as EngineError;
    expect(err.info.code).toBe('LOAD_TIMEOUT');
    expect(workers[0].terminated).toBe(true);
    expect(workers[1].sent[0]).toMatchObject({ type: 'init' });
    expect(restarted).toHaveBeenCalledOnce();
  });

  it('progress re-arms the watchdog', async () => {
    const p = client.run(importSpec);
    const w = workers[0];
    const jobId = w.lastJobId();
    for (let i = 0; i < 5; i++) {
      vi.advanceTimersByTime(900);
      w.reply({ type: 'progress', jobId, phase: 'x', done: i, total: 5 });
    }
    w.reply({ type: 'result', jobId, result: { kind: 'benchmark', result: { modelId: 'm', runs: [], profiles: [], agreement: [] } } });
    await expect(p).resolves.toBeTruthy();
    expect(w.terminated).toBe(false);
  });

  it('a crashed worker fails pending jobs with WORKER_CRASHED and restarts', async () => {
    const p = client.run(importSpec);
    workers[0].onerror?.({ message: 'Uncaught TypeError: x is not a function', preventDefault() {} } as ErrorEvent);
    const err = (await p.catch((e: unknown) => e)) as EngineError;
    expect(err.info.code).toBe('WORKER_CRASHED');
    expect(workers).toHaveLength(2);
  });

  it('a worker that died of a failed allocation says so: OUT_OF_MEMORY with what to do', async () => {
    const p = client.run(importSpec);
    workers[0].onerror?.({ message: 'Uncaught RangeError: Array buffer allocation failed', preventDefault() {} } as ErrorEvent);
    const err = (await p.catch((e: unknown) => e)) as EngineError;
    expect(err.info.code).toBe('OUT_OF_MEMORY');
    expect(err.info.message).toContain('Array buffer allocation failed');
    expect(err.info.hint).toMatch(/smaller batch/);
    expect(workers).toHaveLength(2);
  });

  it('device loss restarts on wasm', () => {
    client.start('webgpu');
    workers[0].reply({ type: 'device-lost', message: 'lost' });
    expect(workers[1].sent[0]).toEqual({ type: 'init', backend: 'wasm' });
  });

  it('a device lost to GPU memory exhaustion says what to do about it', () => {
    const restarted = vi.fn();
    client.on('restarted', restarted);
    client.start('webgpu');
    workers[0].reply({ type: 'device-lost', message: 'The WebGPU device was lost (unknown): Out of memory' });
    expect(restarted).toHaveBeenCalledWith(expect.objectContaining({ code: 'DEVICE_LOST', hint: expect.stringMatching(/ran out of memory: use a smaller batch/) }), false);
    workers[1].reply({ type: 'device-lost', message: 'lost' });
    expect(restarted).toHaveBeenLastCalledWith(expect.objectContaining({ hint: expect.not.stringMatching(/memory/) }), false);
  });
});
