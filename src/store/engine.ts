import { EngineClient, type WorkerLike } from '../worker/client';

/** The one engine client of the app. The worker is created lazily on first use. */
export const engine = new EngineClient(
  () => new Worker(new URL('../worker/engine.worker.ts', import.meta.url), { type: 'module', name: 'bonsai-engine' }) as unknown as WorkerLike,
);
