/**
 * Capability report: what this browser can do (WASM SIMD / threads, WebGPU adapter) and what
 * TF.js really runs. Pure helpers are exported for unit tests; `deviceProfile()` reads the live
 * TF.js state and is meant to run in the engine worker after initBackend.
 */
import * as tf from '@tensorflow/tfjs-core';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import type { AdapterSummary, BackendName, DeviceProfile, WasmBinary } from './types';

/** The smallest module using a SIMD op (the same bytes TF.js's WASM_HAS_SIMD_SUPPORT uses). */
export const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 10, 9, 1, 7, 0, 65, 0, 253, 15, 26, 11,
]);
/** A module with a shared memory and an atomic op (TF.js's WASM_HAS_MULTITHREAD_SUPPORT bytes). */
export const THREADS_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 5, 4, 1, 3, 1, 1, 10, 11, 1, 9, 0, 65, 0,
  254, 16, 2, 0, 26, 11,
]);

export interface WasmFeatures {
  simd: boolean;
  /** Threads need cross-origin isolation, SharedArrayBuffer and WebAssembly atomics. */
  threads: boolean;
  crossOriginIsolated: boolean;
  sharedArrayBuffer: boolean;
}

function validate(bytes: Uint8Array): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(bytes as Uint8Array<ArrayBuffer>);
  } catch {
    return false;
  }
}

/** Our own feature detection, independent of TF.js (so the profile can show a disagreement). */
export function detectWasmFeatures(g: typeof globalThis = globalThis): WasmFeatures {
  const isolated = (g as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  const sab = typeof (g as { SharedArrayBuffer?: unknown }).SharedArrayBuffer === 'function';
  return {
    simd: validate(SIMD_PROBE),
    threads: isolated && sab && validate(THREADS_PROBE),
    crossOriginIsolated: isolated,
    sharedArrayBuffer: sab,
  };
}

/** The binary TF.js 4.22 picks for a pair of flags (mirrors getPathToWasmBinary in backend_wasm.js). */
export function wasmBinaryFor(simd: boolean, threads: boolean): WasmBinary {
  if (simd && threads) return 'wasm-threaded-simd';
  if (simd) return 'wasm-simd';
  return 'wasm';
}

type AdapterLike = {
  info?: Partial<Record<keyof AdapterSummary, unknown>>;
  isFallbackAdapter?: unknown;
};

/**
 * Reads GPUAdapter info across browser versions: Chromium ≥ 127 has `adapter.info` (vendor,
 * architecture, device, description, and since ~131 `isFallbackAdapter`); older ones had
 * `adapter.isFallbackAdapter` on the adapter itself.
 */
export function summarizeAdapter(adapter: unknown): AdapterSummary {
  const a = (adapter ?? {}) as AdapterLike;
  const info = a.info ?? {};
  const str = (v: unknown): string => (typeof v === 'string' ? v : '');
  const fallback =
    typeof info.isFallbackAdapter === 'boolean'
      ? info.isFallbackAdapter
      : typeof a.isFallbackAdapter === 'boolean'
        ? a.isFallbackAdapter
        : false;
  return {
    vendor: str(info.vendor),
    architecture: str(info.architecture),
    device: str(info.device),
    description: str(info.description),
    isFallbackAdapter: fallback,
  };
}

/** A short, truthful label for the header badge, e.g. "WASM · SIMD · 1 thread". */
export function backendLabel(p: Pick<DeviceProfile, 'backend' | 'wasm' | 'webgpu'>): string {
  switch (p.backend) {
    case 'wasm': {
      const parts = ['WASM'];
      if (p.wasm.binary === 'wasm-simd' || p.wasm.binary === 'wasm-threaded-simd') parts.push('SIMD');
      const n = p.wasm.threadCount;
      parts.push(`${n} thread${n === 1 ? '' : 's'}`);
      return parts.join(' · ');
    }
    case 'webgpu': {
      const a = p.webgpu.adapter;
      if (!a) return 'WebGPU';
      if (a.isFallbackAdapter) return 'WebGPU · fallback adapter';
      const name = a.description || a.vendor;
      return name ? `WebGPU · ${name}` : 'WebGPU';
    }
    case 'cpu':
      return 'CPU (plain JS)';
    case 'webgl':
      return 'WebGL';
  }
}

/** Mutable state select.ts fills in while it starts backends. */
export const probeState: {
  webgpu: DeviceProfile['webgpu'];
  fallbacks: { backend: BackendName; reason: string }[];
} = { webgpu: { available: false, reason: 'not probed' }, fallbacks: [] };

/** The wasm backend's live state: which binary is loaded and how many threads XNNPACK uses. */
export function wasmRuntimeState(): { binary?: WasmBinary; threadCount?: number } {
  const engine = tf.engine() as unknown as { registry: Record<string, unknown> };
  const backend = engine.registry.wasm as { wasm?: Record<string, unknown> | null } | undefined;
  if (!backend?.wasm) return {};
  const threaded = 'PThread' in backend.wasm;
  const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
  let threadCount: number | undefined;
  try {
    threadCount = getThreadsCount();
  } catch {
    threadCount = undefined;
  }
  return { binary: threaded ? 'wasm-threaded-simd' : wasmBinaryFor(simd, false), threadCount };
}

/** Reads a boolean TF.js flag that may be async (WASM_HAS_* are). */
async function flag(name: string): Promise<boolean> {
  try {
    return Boolean(await tf.env().getAsync(name));
  } catch {
    return false;
  }
}

/** The full profile of what runs now. Call after initBackend / switchBackend. */
export async function deviceProfile(requested = 'auto'): Promise<DeviceProfile> {
  const ours = detectWasmFeatures();
  const [tfSimd, tfThreads] = await Promise.all([
    flag('WASM_HAS_SIMD_SUPPORT'),
    flag('WASM_HAS_MULTITHREAD_SUPPORT'),
  ]);
  const runtime = wasmRuntimeState();
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number; userAgent?: string } }).navigator;
  const backend = tf.getBackend() as BackendName;
  return {
    backend,
    requested,
    webgpu: { ...probeState.webgpu },
    wasm: {
      simd: tfSimd && ours.simd,
      threads: tfThreads && ours.threads,
      threadCount: runtime.threadCount ?? 1,
      binary: runtime.binary,
    },
    crossOriginIsolated: ours.crossOriginIsolated,
    hardwareConcurrency: nav?.hardwareConcurrency ?? 1,
    userAgent: nav?.userAgent ?? '',
    fallbacks: [...probeState.fallbacks],
  };
}
