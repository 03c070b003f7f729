import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from './select';

describe('a backend whose init never settles', () => {
  it('is abandoned after the timeout, unregistered, and the next backend runs', async () => {
    // Simulates the broken threaded-WASM build: TF.js's wasm init promise never settles.
    tf.removeBackend('wasm');
    tf.registerBackend('wasm', () => new Promise<never>(() => undefined), 2);
    const p = await initBackend('wasm', { timeoutMs: 200 });
    expect(p.backend).toBe('cpu');
    expect(p.fallbacks).toEqual([{ backend: 'wasm', reason: expect.stringMatching(/did not start within/) }]);
    expect(tf.findBackendFactory('wasm')).toBeNull();
    // TF.js must not switch to the abandoned backend later.
    await new Promise((r) => setTimeout(r, 50));
    expect(tf.getBackend()).toBe('cpu');
  });
});
