/**
 * Run one suite per backend (cpu and wasm), like TF.js's describeWithFlags. Known gaps are an
 * explicit list passed as `skipOn`, never a silent skip. Every test gets a leak check: the tensor
 * count after the test must equal the count before it.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { afterEach, beforeAll, beforeEach, describe, expect } from 'vitest';
import { registerWasmGradientKernels } from '../kernels/register';

export const TEST_BACKENDS = ['cpu', 'wasm'] as const;
export type TestBackend = (typeof TEST_BACKENDS)[number];

let wasmPathsSet = false;
function ensureWasmPaths(): void {
  if (wasmPathsSet) return;
  const require = createRequire(import.meta.url);
  const dist = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  setWasmPaths(path.join(dist, 'dist') + path.sep);
  wasmPathsSet = true;
}

export async function useBackend(name: TestBackend): Promise<void> {
  if (name === 'wasm') {
    ensureWasmPaths();
    // As the worker does at start-up: TF.js 4.22's wasm backend cannot train CNNs without them.
    registerWasmGradientKernels();
  }
  const ok = await tf.setBackend(name);
  if (!ok || tf.getBackend() !== name) throw new Error(`Test setup: backend ${name} did not start.`);
}

/**
 * In a wasm-only suite: each test starts on wasm, and after it no engine tensor and no wasm buffer
 * (a kernel's scratch or output the backend still holds) is left over. Call inside the describe.
 */
export function checkWasmLeaks(): void {
  let tensorsBefore = 0;
  let idsBefore = 0;
  const wasmDataIds = () => tf.engine().findBackend('wasm').numDataIds();
  beforeEach(async () => {
    await useBackend('wasm');
    tensorsBefore = tf.memory().numTensors;
    idsBefore = wasmDataIds();
  });
  afterEach(async () => {
    await useBackend('wasm');
    expect(tf.memory().numTensors, 'tensors leaked').toBe(tensorsBefore);
    expect(wasmDataIds(), 'wasm buffers leaked').toBe(idsBefore);
  });
}

export function describeEachBackend(
  title: string,
  fn: (backend: TestBackend) => void,
  options: { skipOn?: TestBackend[] } = {},
): void {
  for (const backend of TEST_BACKENDS) {
    if (options.skipOn?.includes(backend)) continue;
    describe(`${title} [${backend}]`, () => {
      let before = 0;
      beforeAll(async () => {
        await useBackend(backend);
      });
      beforeEach(async () => {
        await useBackend(backend);
        before = tf.memory().numTensors;
      });
      afterEach(() => {
        expect(tf.memory().numTensors, 'tensors leaked by this test').toBe(before);
      });
      fn(backend);
    });
  }
}
