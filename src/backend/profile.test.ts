import { describe, expect, it } from 'vitest';
import { env } from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import {
  SIMD_PROBE,
  THREADS_PROBE,
  backendLabel,
  detectWasmFeatures,
  summarizeAdapter,
  wasmBinaryFor,
} from './profile';
import type { DeviceProfile } from './types';

describe('summarizeAdapter', () => {
  it('reads Chromium ≥ 131 adapter.info, isFallbackAdapter included', () => {
    const adapter = {
      info: { vendor: 'google', architecture: 'swiftshader', device: '', description: '', isFallbackAdapter: true },
    };
    expect(summarizeAdapter(adapter)).toEqual({
      vendor: 'google',
      architecture: 'swiftshader',
      device: '',
      description: '',
      isFallbackAdapter: true,
    });
  });

  it('falls back to adapter.isFallbackAdapter (older Chromium) and tolerates missing fields', () => {
    expect(summarizeAdapter({ info: { vendor: 'nvidia' }, isFallbackAdapter: false })).toEqual({
      vendor: 'nvidia',
      architecture: '',
      device: '',
      description: '',
      isFallbackAdapter: false,
    });
    expect(summarizeAdapter({ isFallbackAdapter: true }).isFallbackAdapter).toBe(true);
    expect(summarizeAdapter(null)).toEqual({ vendor: '', architecture: '', device: '', description: '', isFallbackAdapter: false });
  });

  it('ignores non-string / non-boolean junk', () => {
    const s = summarizeAdapter({ info: { vendor: 42, isFallbackAdapter: 'yes' }, isFallbackAdapter: 1 });
    expect(s.vendor).toBe('');
    expect(s.isFallbackAdapter).toBe(false);
  });
});

describe('wasmBinaryFor (mirrors getPathToWasmBinary in TF.js 4.22)', () => {
  it.each([
    [true, true, 'wasm-threaded-simd'],
    [true, false, 'wasm-simd'],
    [false, true, 'wasm'],
    [false, false, 'wasm'],
  ] as const)('simd=%s threads=%s → %s', (simd, threads, binary) => {
    expect(wasmBinaryFor(simd, threads)).toBe(binary);
  });
});

describe('detectWasmFeatures', () => {
  it('agrees with TF.js on SIMD in this runtime', async () => {
    expect(detectWasmFeatures().simd).toBe(await env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  });

  it('needs cross-origin isolation and SharedArrayBuffer for threads', () => {
    const notIsolated = detectWasmFeatures({ SharedArrayBuffer } as unknown as typeof globalThis);
    expect(notIsolated).toMatchObject({ threads: false, crossOriginIsolated: false, sharedArrayBuffer: true });
    const noSab = detectWasmFeatures({ crossOriginIsolated: true } as unknown as typeof globalThis);
    expect(noSab).toMatchObject({ threads: false, crossOriginIsolated: true, sharedArrayBuffer: false });
    const both = detectWasmFeatures({ crossOriginIsolated: true, SharedArrayBuffer } as unknown as typeof globalThis);
    expect(both.threads).toBe(WebAssembly.validate(THREADS_PROBE));
  });

  it('probe modules are valid wasm headers', () => {
    for (const bytes of [SIMD_PROBE, THREADS_PROBE]) expect(Array.from(bytes.slice(0, 4))).toEqual([0, 97, 115, 109]);
  });
});

describe('backendLabel', () => {
  const base: Pick<DeviceProfile, 'backend' | 'wasm' | 'webgpu'> = {
    backend: 'wasm',
    wasm: { simd: true, threads: true, threadCount: 1, binary: 'wasm-threaded-simd' },
    webgpu: { available: false },
  };
  it('tells the truth about WASM', () => {
    expect(backendLabel(base)).toBe('WASM · SIMD · 1 thread');
    expect(backendLabel({ ...base, wasm: { ...base.wasm, threadCount: 4 } })).toBe('WASM · SIMD · 4 threads');
    expect(backendLabel({ ...base, wasm: { simd: false, threads: false, threadCount: 1, binary: 'wasm' } })).toBe('WASM · 1 thread');
  });
  it('flags a fallback WebGPU adapter', () => {
    const adapter = { vendor: 'google', architecture: 'swiftshader', device: '', description: '', isFallbackAdapter: true };
    expect(backendLabel({ ...base, backend: 'webgpu', webgpu: { available: true, adapter } })).toBe('WebGPU · fallback adapter');
    expect(
      backendLabel({ ...base, backend: 'webgpu', webgpu: { available: true, adapter: { ...adapter, isFallbackAdapter: false, description: 'RTX 4090' } } }),
    ).toBe('WebGPU · RTX 4090');
    expect(backendLabel({ ...base, backend: 'cpu' })).toBe('CPU (plain JS)');
  });
});
