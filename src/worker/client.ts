/**
 * EngineClient: the main thread's handle on engine.worker. Job ids, progress callbacks, Cancel that
 * always takes effect (a worker that does not acknowledge in time is replaced), a watchdog for model
 * loads that hang, and automatic restart when the worker dies or the GPU device is lost.
 */
import { isOutOfMemory, type ErrorInfo } from '../engine/errors';
import type { BackendName, DeviceProfile } from '../backend/types';
import type { BackendChoice, FromWorker, JobId, JobResult, JobSpec, MetricPoint, ToWorker } from './protocol';

export interface WorkerLike {
  postMessage(message: ToWorker, transfer?: Transferable[]): void;
  terminate(): void;
  onmessage: ((event: MessageEvent<FromWorker>) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
}

export interface Progress {
  phase: string;
  done: number;
  total: number;
  point?: MetricPoint;
  /** A technique-specific item (e.g. a NAS candidate), see RunContext.live. */
  live?: unknown;
}

export interface RunOptions {
  onProgress?: (p: Progress) => void;
  signal?: AbortSignal;
  transfer?: Transferable[];
}

export interface ClientEvents {
  ready(device: DeviceProfile, available: BackendName[]): void;
  /**
   * The worker was replaced: every model it held is gone and must be reopened. `expected` is true
   * when the user caused it (a Cancel the worker could not honour in time): not an error to show.
   */
  restarted(reason: ErrorInfo, expected: boolean): void;
  error(error: ErrorInfo): void;
}

/** The part of the Web Locks API the client uses (navigator.locks). */
export interface LockManagerLike {
  request(name: string, callback: () => unknown): Promise<unknown>;
}

export interface ClientOptions {
  /** A job that reports no progress for this long is declared hung; the worker is replaced. */
  watchdogMs?: number;
  /** How long Cancel waits for the worker's acknowledgement before replacing it. */
  cancelGraceMs?: number;
  /**
   * Web Locks, to notice a worker that ends without an error event (self.close(), a killed
   * thread) at once instead of after the watchdog: the worker holds a lock for its whole life and
   * the page queues for it. A worker busy in a long synchronous kernel still holds its lock, so
   * this never ends a healthy job. Default: navigator.locks where there is one.
   */
  locks?: LockManagerLike | null;
}

interface Pending {
  spec: JobSpec;
  resolve(result: JobResult): void;
  reject(error: unknown): void;
  onProgress?: (p: Progress) => void;
  watchdog?: ReturnType<typeof setTimeout>;
  cancelTimer?: ReturnType<typeof setTimeout>;
  cleanup(): void;
}

export class EngineError extends Error {
  readonly info: ErrorInfo;
  constructor(info: ErrorInfo) {
    super(info.message);
    this.name = 'EngineError';
    this.info = info;
  }
}

function abortError(): Error {
  const e = new Error('Cancelled');
  e.name = 'AbortError';
  return e;
}

export class EngineClient {
  private worker: WorkerLike | null = null;
  private readonly pending = new Map<JobId, Pending>();
  private readonly listeners: { [K in keyof ClientEvents]: Set<ClientEvents[K]> } = {
    ready: new Set(),
    restarted: new Set(),
    error: new Set(),
  };
  private nextJob = 1;
  private backend: BackendChoice = 'auto';
  private readonly watchdogMs: number;
  private readonly cancelGraceMs: number;
  private readonly locks: LockManagerLike | null;
  private nextLifeLock = 1;
  /** Per page, so two tabs' engines never share a lock name (locks are per origin). */
  private readonly lockPrefix = `bonsai-engine-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;

  constructor(
    private readonly createWorker: () => WorkerLike,
    options: ClientOptions = {},
  ) {
    this.watchdogMs = options.watchdogMs ?? 30_000;
    this.cancelGraceMs = options.cancelGraceMs ?? 1_500;
    this.locks = options.locks !== undefined ? options.locks : (globalThis.navigator?.locks ?? null);
  }

  on<K extends keyof ClientEvents>(event: K, listener: ClientEvents[K]): () => void {
    this.listeners[event].add(listener);
    return () => this.listeners[event].delete(listener);
  }

  private emit<K extends keyof ClientEvents>(event: K, ...args: Parameters<ClientEvents[K]>): void {
    for (const l of this.listeners[event]) (l as (...a: Parameters<ClientEvents[K]>) => void)(...args);
  }

  start(backend: BackendChoice = this.backend): void {
    this.backend = backend;
    if (!this.worker) {
      const worker = this.createWorker();
      this.worker = worker;
      worker.onmessage = (e) => this.handle(e.data, worker);
      this.worker.onerror = (e) => {
        e.preventDefault?.();
        this.restart(
          isOutOfMemory(e.message)
            ? {
                code: 'OUT_OF_MEMORY',
                message: `The engine ran out of memory and stopped (${e.message}).`,
                hint: 'It was restarted; your library is intact. Use a smaller batch size, close other tabs, and try a smaller model or the WASM backend if it happens again.',
              }
            : {
                code: 'WORKER_CRASHED',
                message: `The engine stopped unexpectedly${e.message ? ` (${e.message})` : ''}.`,
                hint: 'It was restarted; your library is intact. If this repeats, try the WASM backend or a smaller model.',
              },
        );
      };
      if (this.locks) this.post({ type: 'hold-life-lock', name: `${this.lockPrefix}-${this.nextLifeLock++}` });
    }
    this.post({ type: 'init', backend });
  }

  /**
   * The worker holds its life lock: queue for it. It is granted when that worker is gone; if the
   * client did not end it (terminate, restart), it died silently and is replaced at once.
   */
  private watchLife(name: string, worker: WorkerLike): void {
    // A late message from a worker already replaced: its lock is free, and it is not this one.
    if (!this.locks || worker !== this.worker) return;
    void this.locks.request(name, () => {
      if (this.worker !== worker) return;
      this.restart({
        code: 'WORKER_CRASHED',
        message: 'The engine stopped without reporting an error (its worker was closed or killed).',
        hint: 'It was restarted; your library is intact. Start the job again. If this repeats, try the WASM backend or a smaller model.',
      });
    }).catch((e: unknown) => {
      // Only the no-progress watchdog is left to notice a silent death: say so, do not hide it.
      this.emit('error', { code: 'INTERNAL', message: `The engine's life lock could not be watched (${e instanceof Error ? e.message : String(e)}); a worker that stops silently is noticed only after ${Math.round(this.watchdogMs / 1000)} s.` });
    });
  }

  /** Switch backend: the worker re-initialises and answers with a new `ready`. */
  setBackend(backend: BackendChoice): void {
    this.start(backend);
  }

  run(spec: JobSpec, options: RunOptions = {}): Promise<JobResult> {
    if (!this.worker) this.start();
    const jobId = `j${this.nextJob++}`;
    return new Promise<JobResult>((resolve, reject) => {
      const onAbort = () => this.cancel(jobId);
      const entry: Pending = {
        spec,
        resolve,
        reject,
        onProgress: options.onProgress,
        cleanup: () => {
          clearTimeout(entry.watchdog);
          clearTimeout(entry.cancelTimer);
          options.signal?.removeEventListener('abort', onAbort);
          this.pending.delete(jobId);
        },
      };
      this.pending.set(jobId, entry);
      this.armWatchdog(jobId, entry);
      if (options.signal?.aborted) {
        entry.cleanup();
        reject(abortError());
        return;
      }
      options.signal?.addEventListener('abort', onAbort);
      this.post({ type: 'start', jobId, spec }, options.transfer);
    });
  }

  disposeModel(modelId: string): void {
    this.post({ type: 'dispose-model', modelId });
  }

  disposeDataset(datasetId: string): void {
    this.post({ type: 'dispose-dataset', datasetId });
  }

  terminate(): void {
    // Forgotten first: its life lock, released by the terminate, must find it already replaced.
    const worker = this.worker;
    this.worker = null;
    worker?.terminate();
  }

  private cancel(jobId: JobId): void {
    const entry = this.pending.get(jobId);
    if (!entry) return;
    this.post({ type: 'cancel', jobId });
    entry.cancelTimer = setTimeout(() => {
      // The worker is stuck inside a long synchronous call: replacing it is the only way to stop it.
      entry.cleanup();
      entry.reject(abortError());
      this.restart(
        {
          code: 'WORKER_CRASHED',
          message: 'The engine did not stop in time after Cancel, so it was restarted.',
          hint: 'Models you had open are reopened from the library.',
        },
        undefined,
        true,
      );
    }, this.cancelGraceMs);
  }

  private armWatchdog(jobId: JobId, entry: Pending): void {
    clearTimeout(entry.watchdog);
    entry.watchdog = setTimeout(() => {
      entry.cleanup();
      const isLoad = entry.spec.kind === 'import';
      const info: ErrorInfo = isLoad
        ? {
            code: 'LOAD_TIMEOUT',
            message: `Loading the model made no progress for ${Math.round(this.watchdogMs / 1000)} s, so it was stopped.`,
            hint: 'The model file may be malformed (for example a topology that loops). The engine was restarted; nothing saved was lost.',
          }
        : {
            code: 'JOB_FAILED',
            message: `The job made no progress for ${Math.round(this.watchdogMs / 1000)} s, so it was stopped.`,
            hint: 'Try a smaller batch or another backend. The engine was restarted; nothing saved was lost.',
          };
      entry.reject(new EngineError(info));
      this.restart(info, jobId);
    }, this.watchdogMs);
  }

  /** A fresh engine on request (the header's "Restart engine"): running jobs end, saved work stays. */
  restartNow(): void {
    this.restart({ code: 'JOB_FAILED', message: 'The engine was restarted on request.', hint: 'Start the job again.' }, undefined, true, true);
  }

  /** `requested`: the user asked for it, so the jobs it ends are ended like a Cancel (no error). */
  private restart(reason: ErrorInfo, except?: JobId, expected = false, requested = false): void {
    this.terminate();
    for (const [id, entry] of [...this.pending]) {
      if (id === except) continue;
      entry.cleanup();
      // A restart the user asked for ends running jobs the way Cancel does: silently.
      entry.reject(requested ? new DOMException(reason.message, 'AbortError') : new EngineError(reason));
    }
    this.emit('restarted', reason, expected);
    this.start(this.backend);
  }

  private post(message: ToWorker, transfer: Transferable[] = []): void {
    this.worker?.postMessage(message, transfer);
  }

  private handle(message: FromWorker, from: WorkerLike): void {
    switch (message.type) {
      case 'ready':
        this.emit('ready', message.device, message.available);
        break;
      case 'progress': {
        const entry = this.pending.get(message.jobId);
        if (!entry) break;
        this.armWatchdog(message.jobId, entry);
        entry.onProgress?.({ phase: message.phase, done: message.done, total: message.total, point: message.point, live: message.live });
        break;
      }
      case 'result': {
        const entry = this.pending.get(message.jobId);
        entry?.cleanup();
        entry?.resolve(message.result);
        break;
      }
      case 'cancelled': {
        const entry = this.pending.get(message.jobId);
        entry?.cleanup();
        entry?.reject(abortError());
        break;
      }
      case 'error': {
        if (message.jobId === null) {
          this.emit('error', message.error);
          break;
        }
        const entry = this.pending.get(message.jobId);
        entry?.cleanup();
        entry?.reject(new EngineError(message.error));
        break;
      }
      case 'life-lock-held':
        this.watchLife(message.name, from);
        break;
      case 'device-lost':
        this.backend = 'wasm';
        // GPU memory exhaustion (an allocation that failed, or a loss whose message names it) says
        // what would avoid it next time.
        this.restart(
          isOutOfMemory(message.message)
            ? {
                code: 'OUT_OF_MEMORY',
                message: `The GPU ran out of memory (${message.message}), so the engine restarted on WASM.`,
                hint: 'Your library is intact; reopen the model to continue. Use a smaller batch size and close other tabs before going back to WebGPU.',
              }
            : {
                code: 'DEVICE_LOST',
                message: `The GPU device was lost (${message.message}).`,
                hint: 'The engine restarted on WASM. Your library is intact; reopen the model to continue.',
              },
        );
        break;
      default: {
        const never: never = message;
        this.emit('error', { code: 'INTERNAL', message: `Unknown message from the engine: ${JSON.stringify(never)}` });
      }
    }
  }
}
