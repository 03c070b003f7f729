import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EngineClient, EngineError, type LockManagerLike, type WorkerLike } from './client';
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

/** Web Locks as the browser keeps them: one holder per name, the next request granted on release. */
class FakeLocks implements LockManagerLike {
  private readonly queues = new Map<string, (() => void)[]>();
  private readonly held = new Set<string>();
  request(name: string, callback: () => unknown): Promise<unknown> {
    return new Promise((resolve) => {
      const grant = () => {
        this.held.add(name);
        void Promise.resolve(callback()).then((v) => {
          this.release(name);
          resolve(v);
        });
      };
      if (this.held.has(name)) this.queues.set(name, [...(this.queues.get(name) ?? []), grant]);
      else grant();
    });
  }
  /** What the browser does when the holder's context ends. */
  release(name: string): void {
    this.held.delete(name);
    const next = this.queues.get(name)?.shift();
    next?.();
  }
  isHeld(name: string): boolean {
    return this.held.has(name);
  }
}

/** A worker that holds its life lock the way engine.worker does; `die()` ends it without an error event. */
class LockedWorker extends FakeWorker {
  lockName?: string;
  constructor(private readonly locks: FakeLocks) {
    super();
  }
  override postMessage(message: ToWorker): void {
    super.postMessage(message);
    if (message.type !== 'hold-life-lock') return;
    this.lockName = message.name;
    void this.locks.request(message.name, () => {
      this.reply({ type: 'life-lock-held', name: message.name });
      return new Promise(() => {});
    });
  }
  override terminate(): void {
    super.terminate();
    this.die();
  }
  die(): void {
    if (this.lockName && this.locks.isHeld(this.lockName)) this.locks.release(this.lockName);
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
    workers[0].reply({ type: 'device-lost', message: 'The WebGPU device ran out of memory: Out of memory' });
    expect(restarted).toHaveBeenCalledWith(expect.objectContaining({ code: 'OUT_OF_MEMORY', message: expect.stringContaining('restarted on WASM'), hint: expect.stringMatching(/smaller batch/) }), false);
    expect(workers[1].sent.find((m) => m.type === 'init')).toEqual({ type: 'init', backend: 'wasm' });
    workers[1].reply({ type: 'device-lost', message: 'lost' });
    expect(restarted).toHaveBeenLastCalledWith(expect.objectContaining({ code: 'DEVICE_LOST', hint: expect.not.stringMatching(/memory/) }), false);
  });
});

describe('EngineClient with Web Locks: a worker that ends without an error event', () => {
  let workers: LockedWorker[];
  let client: EngineClient;
  let locks: FakeLocks;
  const flush = () => vi.advanceTimersByTimeAsync(0);
  beforeEach(() => {
    vi.useFakeTimers();
    workers = [];
    locks = new FakeLocks();
    client = new EngineClient(
      () => {
        const w = new LockedWorker(locks);
        workers.push(w);
        return w;
      },
      { watchdogMs: 30_000, cancelGraceMs: 200, locks },
    );
  });
  afterEach(() => vi.useRealTimers());

  it('each worker is asked to hold its own lock before it initialises', () => {
    client.start('wasm');
    client.restartNow();
    expect(workers[0].sent[0]).toMatchObject({ type: 'hold-life-lock' });
    expect(workers[0].sent[1]).toEqual({ type: 'init', backend: 'wasm' });
    expect(workers[1].lockName).toBeDefined();
    expect(workers[1].lockName).not.toBe(workers[0].lockName);
  });

  it('a silent death fails the running job with WORKER_CRASHED at once and starts a fresh worker', async () => {
    const restarted = vi.fn();
    client.on('restarted', restarted);
    const p = client.run(importSpec);
    const settled = p.catch((e: unknown) => e);
    await flush();
    workers[0].die();
    await flush();
    const err = (await settled) as EngineError;
    expect(err.info.code).toBe('WORKER_CRASHED');
    expect(err.info.message).toContain('without reporting an error');
    expect(restarted).toHaveBeenCalledOnce();
    expect(workers).toHaveLength(2);
    expect(workers[1].sent.map((m) => m.type)).toEqual(['hold-life-lock', 'init']);
  });

  it('a worker busy far past any heartbeat, but alive, is never ended by it; only the watchdog applies', async () => {
    const p = client.run(importSpec);
    const settled = p.catch((e: unknown) => e);
    await flush();
    await vi.advanceTimersByTimeAsync(29_000);
    expect(workers).toHaveLength(1);
    expect(workers[0].terminated).toBe(false);
    const jobId = workers[0].lastJobId();
    workers[0].reply({ type: 'result', jobId, result: { kind: 'benchmark', result: { modelId: 'm', runs: [], profiles: [], agreement: [] } } });
    await expect(settled).resolves.toMatchObject({ kind: 'benchmark' });
  });

  it('a late life-lock message from a worker already replaced does not end the new one', async () => {
    const restarted = vi.fn();
    client.on('restarted', restarted);
    client.start('wasm');
    await flush();
    const old = workers[0];
    const oldHandler = old.onmessage;
    client.restartNow();
    await flush();
    expect(restarted).toHaveBeenCalledOnce();
    // The old worker's lock is free now; a message from it arriving late must not be watched.
    oldHandler?.({ data: { type: 'life-lock-held', name: old.lockName! } } as MessageEvent<FromWorker>);
    await flush();
    expect(restarted).toHaveBeenCalledOnce();
    expect(workers).toHaveLength(2);
  });

  it('a worker the client replaces itself (restart, Cancel not honoured) is not reported a second time', async () => {
    const restarted = vi.fn();
    client.on('restarted', restarted);
    client.start('wasm');
    await flush();
    client.restartNow();
    await flush();
    expect(workers[0].terminated).toBe(true);
    expect(restarted).toHaveBeenCalledOnce();
    expect(workers).toHaveLength(2);
    // The fresh worker's own silent death is still noticed.
    workers[1].die();
    await flush();
    expect(restarted).toHaveBeenCalledTimes(2);
    expect(restarted).toHaveBeenLastCalledWith(expect.objectContaining({ code: 'WORKER_CRASHED' }), false);
  });
});
