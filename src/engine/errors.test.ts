/**
 * Out-of-memory failures (issue 13, "an allocation that fails") get their own code and a hint of
 * what to do, wherever an engine error is classified; other failures keep theirs.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BonsaiError, isOutOfMemory, outOfMemoryError, toErrorInfo } from './errors';
import { VALID_FIXTURES } from './model/bad-inputs.fixtures';
import { importModelFiles } from './model/import-pipeline';
import { disposeLoaded } from './model/load';
import { describeEachBackend } from './test-utils/backends';

/** What V8 and the wasm engine really throw when an allocation cannot be satisfied. */
function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected an exception');
}
const realArrayBufferFailure = () => thrown(() => new ArrayBuffer(2 ** 40));
const realWasmGrowFailure = () => thrown(() => new WebAssembly.Memory({ initial: 1, maximum: 2 }).grow(5));

describe('isOutOfMemory', () => {
  it('recognises the allocation failures V8 throws', () => {
    const buffer = realArrayBufferFailure();
    expect(buffer).toBeInstanceOf(RangeError);
    expect((buffer as Error).message).toBe('Array buffer allocation failed');
    expect(isOutOfMemory(buffer)).toBe(true);
    const grow = realWasmGrowFailure();
    expect((grow as Error).message).toMatch(/Maximum memory size exceeded/);
    expect(isOutOfMemory(grow)).toBe(true);
  });

  it('recognises the WASM backend\'s aborts and the browser\'s out-of-memory messages', () => {
    // emscripten's abort(): a WebAssembly.RuntimeError "Aborted(…)" (tfjs-backend-wasm, release build).
    expect(isOutOfMemory(new WebAssembly.RuntimeError('Aborted(). Build with -sASSERTIONS for more info.'))).toBe(true);
    expect(isOutOfMemory(new WebAssembly.RuntimeError('Aborted(OOM). Build with -sASSERTIONS for more info.'))).toBe(true);
    expect(isOutOfMemory(new RangeError('WebAssembly.Memory(): could not allocate memory'))).toBe(true);
    expect(isOutOfMemory(new RangeError('Out of memory: Cannot allocate Wasm memory for new instance'))).toBe(true);
    // WebGPU: a GPUOutOfMemoryError has no name of its own, only its class.
    class GPUOutOfMemoryError {
      constructor(readonly message: string) {}
    }
    expect(isOutOfMemory(new GPUOutOfMemoryError('Not enough memory left'))).toBe(true);
    expect(isOutOfMemory(new Error("Failed to execute 'mapAsync' on 'GPUBuffer': Out of memory"))).toBe(true);
  });

  it('leaves every other failure alone', () => {
    for (const e of [
      new Error('Unknown layer: FancyLayer'),
      new RangeError('Invalid typed array length: -4'),
      new Error('Aborted by the user'),
      // Only a wasm RuntimeError's "Aborted(" is an abort.
      new Error('Aborted('),
      new WebAssembly.RuntimeError('unreachable'),
      new Error('injected fault: kernel MatMul failed'),
      'a model named zoom',
      null,
      undefined,
      42,
    ]) expect(isOutOfMemory(e), String(e)).toBe(false);
    expect(outOfMemoryError(new BonsaiError('MODEL_LOAD_FAILED', 'x: Out of memory in a name'))).toBeNull();
  });
});

describe('toErrorInfo', () => {
  it('gives an out-of-memory failure its own code and a hint of what to do, whatever the fallback', () => {
    for (const fallback of ['JOB_FAILED', 'INTERNAL', 'BACKEND_UNAVAILABLE'] as const) {
      const info = toErrorInfo(realArrayBufferFailure(), fallback);
      expect(info.code).toBe('OUT_OF_MEMORY');
      expect(info.message).toContain('ran out of memory');
      expect(info.message).toContain('Array buffer allocation failed');
      expect(info.hint).toMatch(/smaller batch/);
      expect(info.hint).toMatch(/close other tabs/);
      expect(info.hint).toMatch(/Restart engine/);
    }
  });

  it('says a bare WASM abort is most likely, not surely, out of memory', () => {
    const info = toErrorInfo(new WebAssembly.RuntimeError('Aborted(). Build with -sASSERTIONS for more info.'), 'JOB_FAILED');
    expect(info.code).toBe('OUT_OF_MEMORY');
    expect(info.message).toMatch(/^The job failed: the WASM engine aborted, most likely because it ran out of memory \(Aborted\(\)/);
    expect(info.hint).toMatch(/Restart engine/);
  });

  it('keeps the fallback code for other failures', () => {
    expect(toErrorInfo(new Error('injected fault: kernel MatMul failed'), 'JOB_FAILED')).toEqual({ code: 'JOB_FAILED', message: 'injected fault: kernel MatMul failed' });
  });
});

describeEachBackend('a model load whose weight allocation fails', () => {
  afterEach(() => vi.restoreAllMocks());

  for (const id of ['sequential', 'graph'] as const) {
    it(`${id}: OUT_OF_MEMORY naming model.json, not MODEL_LOAD_FAILED; nothing leaks; the next load works`, async () => {
      const backend = tf.engine().backend;
      const write = backend.write.bind(backend);
      let writes = 0;
      // The second weight's buffer cannot be allocated (a real V8 failure, inside the backend).
      vi.spyOn(backend, 'write').mockImplementation((...args: Parameters<typeof backend.write>) => {
        if (++writes === 2) new ArrayBuffer(2 ** 40);
        return write(...args);
      });
      const error = await importModelFiles(VALID_FIXTURES[id].files()).then(
        () => { throw new Error('the load succeeded'); },
        (e: unknown) => e,
      );
      expect(writes).toBe(2);
      expect(error).toBeInstanceOf(BonsaiError);
      const e = error as BonsaiError;
      expect(e.code).toBe('OUT_OF_MEMORY');
      expect(e.file).toBe('model.json');
      expect(e.message).toMatch(/^model\.json: building the (Layers|Graph)Model ran out of memory/);
      expect(e.hint).toMatch(/smaller batch/);

      vi.restoreAllMocks();
      const m = await importModelFiles(VALID_FIXTURES[id].files());
      disposeLoaded(m);
    });
  }
});
