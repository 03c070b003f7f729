import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import { describe, expect, it, vi } from 'vitest';
import { PATCH_MARKER, patchThreadedFactory, wasmThreadsPlugin } from './vite-plugin-wasm-threads';

const require = createRequire(import.meta.url);
const pkg = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
const factoryFile = path.join(pkg, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.js');
const backendFile = path.join(pkg, 'dist', 'backend_wasm.js');
const factorySource = readFileSync(factoryFile, 'utf8');

type Hook = (this: unknown, code: string, id: string) => unknown;
function hooks() {
  const plugin = wasmThreadsPlugin();
  const ctx = {
    warn: vi.fn(),
    error: vi.fn((m: string) => {
      throw new Error(m);
    }),
  };
  const call = (name: 'transform' | 'buildStart' | 'buildEnd', ...args: unknown[]) =>
    (plugin[name] as unknown as Hook).apply(ctx, args as [string, string]);
  return { plugin, ctx, call };
}

describe('patchThreadedFactory', () => {
  it("gives the factory a toString() that is self-contained (what a pthread worker's blob evaluates)", () => {
    const patched = patchThreadedFactory(factorySource);
    // Load it the way a bundle's CommonJS wrapper does.
    const mod = { exports: {} as unknown };
    vm.runInNewContext(patched, { module: mod, exports: mod.exports });
    const factory = mod.exports as ((m?: object) => Promise<unknown>) & Record<string, unknown>;
    expect(typeof factory).toBe('function');
    expect(factory[PATCH_MARKER]).toBe(true);

    // backend_wasm.js builds the pthread script exactly like this:
    const blobText = 'var WasmBackendModuleThreadedSimd = ' + factory.toString();
    // A pthread worker: no module/exports/require, nothing of the bundle in scope.
    const worker: Record<string, unknown> = { self: {} };
    vm.runInNewContext(blobText, worker);
    expect(typeof worker.WasmBackendModuleThreadedSimd).toBe('function');
    expect(String(worker.WasmBackendModuleThreadedSimd)).toMatch(/^function\s*\(WasmBackendModuleThreadedSimd\)/);
  });

  it('refuses a file that no longer declares the factory', () => {
    expect(() => patchThreadedFactory('module.exports = 1')).toThrow(/no longer declares/);
  });
});

describe('wasmThreadsPlugin', () => {
  it('patches only the threaded factory file', () => {
    const { call } = hooks();
    call('buildStart');
    expect(call('transform', 'export const x = 1', '/x/node_modules/@tensorflow/tfjs-core/dist/index.js')).toBeNull();
    const out = call('transform', factorySource, factoryFile) as { code: string };
    expect(out.code).toContain(PATCH_MARKER);
  });

  it('accepts the real backend_wasm.js (still uses toString) without warning', () => {
    const { call, ctx } = hooks();
    call('buildStart');
    expect(call('transform', readFileSync(backendFile, 'utf8'), backendFile)).toBeNull();
    expect(ctx.warn).not.toHaveBeenCalled();
    call('transform', factorySource, factoryFile);
    expect(() => call('buildEnd')).not.toThrow();
  });

  it('fails the build when the backend is bundled but the factory was never patched', () => {
    const { call } = hooks();
    call('buildStart');
    call('transform', readFileSync(backendFile, 'utf8'), backendFile);
    expect(() => call('buildEnd')).toThrow(/never transformed/);
  });

  it('warns when a future backend_wasm.js stops using toString()', () => {
    const { call, ctx } = hooks();
    call('buildStart');
    call('transform', 'export const nothing = 1;', backendFile);
    expect(ctx.warn).toHaveBeenCalled();
  });
});
