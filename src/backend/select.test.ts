import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { BonsaiError } from '../engine/errors';
import { availableBackends, backendOrder, initBackend, onDeviceLost, switchBackend, unavailableHint, watchDevice } from './select';

beforeAll(() => {
  // In Node the wasm binaries come from node_modules (wasm-paths.ts is a no-op here).
  const require = createRequire(import.meta.url);
  const dist = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  setWasmPaths(path.join(dist, 'dist') + path.sep);
});

describe('backendOrder', () => {
  it('auto is webgpu → wasm → cpu; explicit choices fall back along the same order', () => {
    expect(backendOrder('auto')).toEqual(['webgpu', 'wasm', 'cpu']);
    expect(backendOrder('webgpu')).toEqual(['webgpu', 'wasm', 'cpu']);
    expect(backendOrder('wasm')).toEqual(['wasm', 'cpu']);
    expect(backendOrder('cpu')).toEqual(['cpu']);
    expect(backendOrder('webgl')).toEqual(['wasm', 'cpu']);
  });
});

describe('unavailableHint', () => {
  it('says what to do', () => {
    expect(unavailableHint('webgpu', 'navigator.gpu is missing')).toMatch(/WASM/);
    expect(unavailableHint('wasm', 'wasm did not start within 30 s')).toMatch(/CPU/);
    expect(unavailableHint('webgl', '')).toMatch(/does not use WebGL/);
  });
});

describe('initBackend / switchBackend in Node', () => {
  it('auto skips webgpu (no navigator.gpu), starts wasm, and reports why', async () => {
    const p = await initBackend('auto');
    expect(p.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(p.requested).toBe('auto');
    expect(p.webgpu.available).toBe(false);
    expect(p.fallbacks?.map((f) => f.backend)).toEqual(['webgpu']);
    expect(p.fallbacks?.[0].reason).toMatch(/navigator\.gpu/);
    // Node: no threads, so TF.js loads the SIMD (or plain) binary and XNNPACK uses 1 thread.
    expect(p.wasm.threads).toBe(false);
    expect(p.wasm.binary).toBe(p.wasm.simd ? 'wasm-simd' : 'wasm');
    expect(p.wasm.threadCount).toBe(1);
    expect(p.crossOriginIsolated).toBe(false);
  });

  it('switchBackend to cpu and back, computing the same matmul', async () => {
    const run = async () => {
      const a = tf.tensor2d([1, 2, 3, 4], [2, 2]);
      const b = tf.matMul(a, a);
      const v = Array.from(await b.data());
      tf.dispose([a, b]);
      return v;
    };
    expect((await switchBackend('cpu')).backend).toBe('cpu');
    expect(await run()).toEqual([7, 10, 15, 22]);
    expect((await switchBackend('wasm')).backend).toBe('wasm');
    expect(await run()).toEqual([7, 10, 15, 22]);
  });

  it('switchBackend refuses what cannot start, with BACKEND_UNAVAILABLE, and keeps the old backend', async () => {
    await switchBackend('wasm');
    const err = await switchBackend('webgpu').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BonsaiError);
    expect((err as BonsaiError).code).toBe('BACKEND_UNAVAILABLE');
    expect((err as BonsaiError).hint).toBeTruthy();
    expect(tf.getBackend()).toBe('wasm');
    const webgl = await switchBackend('webgl').catch((e: unknown) => e);
    expect((webgl as BonsaiError).code).toBe('BACKEND_UNAVAILABLE');
  });

  it('never lets TF.js fall back to a backend Bonsai does not register (e.g. webgl)', async () => {
    tf.registerBackend('webgl', () => tf.findBackend('cpu')!, 99);
    const p = await initBackend('cpu');
    expect(p.backend).toBe('cpu');
    expect(tf.findBackendFactory('webgl')).toBeNull();
  });

  it('availableBackends lists what can start here', async () => {
    expect(await availableBackends()).toEqual(['wasm', 'cpu']);
  });

  it('onDeviceLost returns an unsubscribe function and is inert without webgpu', () => {
    const off = onDeviceLost(() => undefined);
    expect(typeof off).toBe('function');
    off();
  });

  it('an allocation that failed on the GPU (an uncaptured GPUOutOfMemoryError) is reported like a loss, once; other GPU errors are not', async () => {
    class GPUOutOfMemoryError {
      constructor(readonly message: string) {}
    }
    class GPUValidationError {
      constructor(readonly message: string) {}
    }
    const handlers: ((event: { error?: unknown }) => void)[] = [];
    let lose: (info: { reason: string; message: string }) => void = () => undefined;
    const device = {
      lost: new Promise<{ reason: string; message: string }>((resolve) => (lose = resolve)),
      addEventListener: (_type: 'uncapturederror', h: (event: { error?: unknown }) => void) => void handlers.push(h),
    };
    const seen: string[] = [];
    const off = onDeviceLost((text) => seen.push(text));
    watchDevice(device);
    handlers.forEach((h) => h({ error: new GPUValidationError('Invalid BindGroup') }));
    expect(seen).toEqual([]);
    handlers.forEach((h) => h({ error: new GPUOutOfMemoryError('Not enough memory left.') }));
    expect(seen).toEqual(['The WebGPU device ran out of memory: Not enough memory left.']);
    // The loss that may follow is the same event for the engine: not reported twice.
    handlers.forEach((h) => h({ error: new GPUOutOfMemoryError('again') }));
    lose({ reason: 'unknown', message: 'gone' });
    await new Promise((r) => setTimeout(r, 0));
    expect(seen).toHaveLength(1);
    off();
  });
});
