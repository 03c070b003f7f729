/**
 * Backend selection, run inside the engine worker: auto = webgpu → wasm → cpu.
 *
 * Only cpu and wasm are registered eagerly (importing this module); webgpu's package is imported
 * on demand, so a wasm-only session never downloads it. WebGL is never registered, and anything
 * else that appears in TF.js's registry is removed, so TF.js cannot silently fall back to a backend
 * we do not report. After every attempt the backend is exercised with a tiny op and
 * `tf.getBackend()` is read back: the profile always names what really runs.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { BonsaiError, isOutOfMemory } from '../engine/errors';
import { configureWasmPaths } from './wasm-paths';
import { deviceProfile, probeState, summarizeAdapter } from './profile';
import type { BackendChoice, BackendName, DeviceProfile, RunnableBackend } from './types';

export const RUNNABLE_BACKENDS: readonly RunnableBackend[] = ['webgpu', 'wasm', 'cpu'];

/** The order to try for a choice: an explicit backend still falls back along the auto order. */
export function backendOrder(choice: BackendChoice): RunnableBackend[] {
  switch (choice) {
    case 'auto':
    case 'webgpu':
      return ['webgpu', 'wasm', 'cpu'];
    case 'wasm':
      return ['wasm', 'cpu'];
    case 'cpu':
      return ['cpu'];
    case 'webgl':
      // Never registered; the caller asked for something we cannot run: best we have instead.
      return ['wasm', 'cpu'];
  }
}

/** A hint the UI shows next to BACKEND_UNAVAILABLE. */
export function unavailableHint(name: BackendName, reason: string): string {
  switch (name) {
    case 'webgpu':
      return /navigator\.gpu|not supported|no adapter/i.test(reason)
        ? 'This browser exposes no WebGPU adapter. Use a recent Chrome/Edge (or Chromium with --enable-unsafe-webgpu), or pick WASM.'
        : 'WebGPU is present but the GPU device could not start (driver blocklist, lost device or out of memory). Pick WASM.';
    case 'wasm':
      if (/did not start within/.test(reason)) {
        return 'The WebAssembly runtime never finished starting (with threads, its helper workers may have failed: see the console). Pick CPU, or reload the page.';
      }
      return 'The WebAssembly binary could not be loaded. Check that the server serves .wasm files (and that the page is not blocked by a Content-Security-Policy without wasm-unsafe-eval), or pick CPU.';
    case 'cpu':
      return 'The plain-JS backend should always start; reload the page.';
    case 'webgl':
      return 'Bonsai does not use WebGL; pick WebGPU, WASM or CPU.';
  }
}

// ---------------------------------------------------------------------------------------------
// Registration

let webgpuRegistration: Promise<boolean> | null = null;

/** Drops anything but our three backends from TF.js's registry (e.g. webgl from a stray import). */
function pruneRegistry(): void {
  const names = Object.keys((tf.engine() as unknown as { registryFactory: Record<string, unknown> }).registryFactory);
  for (const name of names) {
    if (!(RUNNABLE_BACKENDS as readonly string[]).includes(name)) tf.removeBackend(name);
  }
}

interface GpuLike {
  requestAdapter(opts?: { powerPreference?: 'low-power' | 'high-performance' }): Promise<unknown>;
}

function navigatorGpu(): GpuLike | undefined {
  const nav = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator;
  return nav?.gpu;
}

/**
 * Probes WebGPU (adapter + info) and, if an adapter exists, lazily imports and registers the
 * TF.js webgpu backend. Records the result in the profile. Resolves false when WebGPU cannot work.
 */
async function ensureWebGPURegistered(): Promise<boolean> {
  if (webgpuRegistration) return webgpuRegistration;
  webgpuRegistration = (async () => {
    const gpu = navigatorGpu();
    if (!gpu) {
      probeState.webgpu = { available: false, reason: 'navigator.gpu is missing (WebGPU not supported or disabled).' };
      return false;
    }
    let adapter: unknown;
    try {
      // TF.js asks for 'high-performance' unless WEBGPU_USE_LOW_POWER_GPU is set: ask the same.
      adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    } catch (e) {
      probeState.webgpu = { available: false, reason: `requestAdapter() failed: ${String(e)}` };
      return false;
    }
    if (!adapter) {
      probeState.webgpu = { available: false, reason: 'requestAdapter() returned no adapter.' };
      return false;
    }
    probeState.webgpu = { available: true, adapter: summarizeAdapter(adapter) };
    try {
      await import('@tensorflow/tfjs-backend-webgpu');
    } catch (e) {
      probeState.webgpu = { ...probeState.webgpu, available: false, reason: `Could not load the WebGPU backend: ${String(e)}` };
      return false;
    }
    return tf.findBackendFactory('webgpu') != null;
  })();
  return webgpuRegistration;
}

/** Backends this browser can plausibly start (webgpu only if an adapter exists). */
export async function availableBackends(): Promise<RunnableBackend[]> {
  const out: RunnableBackend[] = [];
  if (await ensureWebGPURegistered()) out.push('webgpu');
  if (typeof WebAssembly === 'object') out.push('wasm');
  out.push('cpu');
  return out;
}

// ---------------------------------------------------------------------------------------------
// Starting a backend

/**
 * How long one backend may take to start. TF.js's wasm init never settles when its pthread
 * workers die (e.g. a broken build: see scripts/vite-plugin-wasm-threads.ts), so without a bound
 * the worker would hang instead of falling back.
 */
export const BACKEND_START_TIMEOUT_MS = 30_000;

const TIMED_OUT = Symbol('timed out');

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** Tries one backend; resolves null on success or the reason it failed. Never throws. */
async function tryStart(name: RunnableBackend, timeoutMs = BACKEND_START_TIMEOUT_MS): Promise<string | null> {
  try {
    if (name === 'webgpu' && !(await ensureWebGPURegistered())) {
      return probeState.webgpu.reason ?? 'WebGPU is not available.';
    }
    if (name === 'wasm') configureWasmPaths();
    pruneRegistry();
    if (tf.findBackendFactory(name) == null) return `${name} backend is not registered.`;
    const ok = await withTimeout(tf.setBackend(name), timeoutMs);
    if (ok === TIMED_OUT) {
      // Unregister it while its init is still pending: TF.js then discards the late result instead
      // of switching the active backend under our feet once it settles.
      tf.removeBackend(name);
      return `${name} did not start within ${Math.round(timeoutMs / 1000)} s (its initialisation never finished).`;
    }
    if (!ok) return `tf.setBackend('${name}') failed (see the console for TF.js's warning).`;
    await tf.ready();
    // Exercise it: a backend that "started" but cannot run a kernel is no use.
    const probe = tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(2)));
    const value = (await probe.data())[0];
    probe.dispose();
    if (value !== 3) return `${name} computed 1 + 2 = ${value}.`;
    const really = tf.getBackend();
    if (really !== name) return `TF.js runs '${really}' instead of '${name}'.`;
    if (name === 'webgpu') watchDeviceLoss();
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/**
 * Starts the best backend for the choice and reports what really runs. 'auto' skips a WebGPU
 * fallback (software) adapter, which is far slower than WASM. Falls back along
 * backendOrder (every failed attempt is listed in profile.fallbacks). Throws BACKEND_UNAVAILABLE
 * only if nothing at all starts.
 */
export async function initBackend(
  choice: BackendChoice = 'auto',
  options: { timeoutMs?: number } = {},
): Promise<DeviceProfile> {
  probeState.fallbacks = [];
  for (const name of backendOrder(choice)) {
    if (choice === 'auto' && name === 'webgpu' && (await ensureWebGPURegistered()) && probeState.webgpu.adapter?.isFallbackAdapter) {
      // A fallback adapter is software emulation (SwiftShader): correct but ~100x slower than WASM.
      // 'auto' skips it; asking for 'webgpu' explicitly still gets it.
      probeState.fallbacks.push({ backend: 'webgpu', reason: 'Only a fallback (software) WebGPU adapter is available; WASM is faster.' });
      continue;
    }
    const reason = await tryStart(name, options.timeoutMs);
    if (reason == null) return deviceProfile(choice);
    probeState.fallbacks.push({ backend: name, reason });
  }
  const last = probeState.fallbacks[probeState.fallbacks.length - 1];
  throw new BonsaiError(
    'BACKEND_UNAVAILABLE',
    `No TF.js backend could start (${probeState.fallbacks.map((f) => `${f.backend}: ${f.reason}`).join('; ')}).`,
    unavailableHint(last?.backend ?? 'cpu', last?.reason ?? ''),
  );
}

/**
 * Switches to exactly `name` (no fallback). On failure the previous backend is restored when it
 * can be, and BACKEND_UNAVAILABLE is thrown with a hint.
 */
export async function switchBackend(name: BackendName, options: { timeoutMs?: number } = {}): Promise<DeviceProfile> {
  const previous = tf.getBackend() as BackendName | undefined;
  if (name === 'webgl') {
    throw new BonsaiError('BACKEND_UNAVAILABLE', "The 'webgl' backend is not part of Bonsai.", unavailableHint('webgl', ''));
  }
  if (previous === name) return deviceProfile(name);
  const reason = await tryStart(name, options.timeoutMs);
  if (reason == null) {
    probeState.fallbacks = [];
    return deviceProfile(name);
  }
  if (previous && previous !== 'webgl' && previous !== name) {
    // tf.setBackend leaves engine.backendName on the failed name: go back explicitly.
    await tryStart(previous as RunnableBackend);
  }
  throw new BonsaiError('BACKEND_UNAVAILABLE', `The ${name} backend cannot start here: ${reason}`, unavailableHint(name, reason));
}

// ---------------------------------------------------------------------------------------------
// WebGPU device loss

export interface DeviceLostInfo {
  reason: string;
  message: string;
}
/** `message` is a ready-to-show sentence; `info` has the raw GPUDeviceLostInfo fields. */
type DeviceLostListener = (message: string, info: DeviceLostInfo) => void;
const lostListeners = new Set<DeviceLostListener>();
const watchedDevices = new WeakSet<object>();

/** The parts of a GPUDevice watched here. */
export interface WatchedDevice {
  lost?: Promise<{ reason?: string; message?: string }>;
  addEventListener?(type: 'uncapturederror', listener: (event: { error?: unknown }) => void): void;
}

interface WebGPUBackendLike {
  device?: WatchedDevice;
}

/** Hooks the live webgpu backend's device (WebGPUBackend keeps its GPUDevice as `.device`). */
function watchDeviceLoss(): void {
  const backend = (tf.engine() as unknown as { registry: Record<string, unknown> }).registry.webgpu as
    | WebGPUBackendLike
    | undefined;
  if (backend?.device) watchDevice(backend.device);
}

/**
 * Tell the listeners when `device` is lost, or when an allocation on it failed: TF.js does not
 * scope its GPU allocations, so a GPUOutOfMemoryError only surfaces as an uncaptured error and the
 * work that needed the buffer would go on with an invalid one. Either way the engine must restart
 * (on WASM) rather than return what it computed. Reported once per device.
 */
export function watchDevice(device: WatchedDevice): void {
  if (!device.lost || watchedDevices.has(device)) return;
  watchedDevices.add(device);
  let reported = false;
  const notify = (text: string, payload: DeviceLostInfo) => {
    if (reported) return;
    reported = true;
    for (const cb of lostListeners) {
      try {
        cb(text, payload);
      } catch {
        // a listener's failure must not hide the loss from the others
      }
    }
  };
  void device.lost.then((info) => {
    // 'destroyed' means we called device.destroy() ourselves: not a loss.
    if (info?.reason === 'destroyed') return;
    const payload = { reason: info?.reason ?? 'unknown', message: info?.message ?? '' };
    notify(`The WebGPU device was lost (${payload.reason})${payload.message ? `: ${payload.message}` : '.'}`, payload);
  });
  device.addEventListener?.('uncapturederror', (event) => {
    if (!isOutOfMemory(event.error)) return;
    const detail = String((event.error as { message?: unknown }).message ?? '');
    notify(`The WebGPU device ran out of memory${detail ? `: ${detail}` : '.'}`, { reason: 'out-of-memory', message: detail });
  });
}

/**
 * Calls `cb` when the WebGPU device is lost (driver reset, GPU removed, OOM). TF.js cannot
 * recover a lost device in place: the worker should report DEVICE_LOST and be restarted.
 * Returns an unsubscribe function.
 */
export function onDeviceLost(cb: DeviceLostListener): () => void {
  lostListeners.add(cb);
  if (tf.getBackend() === 'webgpu') watchDeviceLoss();
  return () => lostListeners.delete(cb);
}
