/** Backend and device-profile types (plain data; no tf import). */
export type BackendName = 'webgpu' | 'wasm' | 'cpu' | 'webgl';

/** The backends Bonsai registers (webgl is never registered: it is in BackendName only so a
 * profile can say so if something else ever made TF.js fall back to it). */
export type RunnableBackend = 'webgpu' | 'wasm' | 'cpu';

/** What the UI / protocol may ask for at init. */
export type BackendChoice = 'auto' | BackendName;

export type WasmBinary = 'wasm' | 'wasm-simd' | 'wasm-threaded-simd';

export interface AdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter: boolean;
}

export interface DeviceProfile {
  /** The backend TF.js really runs (tf.getBackend()), which may differ from the one asked for. */
  backend: BackendName;
  requested: string;
  webgpu: {
    available: boolean;
    adapter?: AdapterSummary;
    reason?: string;
  };
  wasm: {
    /** What this browser supports (TF.js's own flag, confirmed by our feature detection). */
    simd: boolean;
    threads: boolean;
    /** Threads XNNPACK really uses (getThreadsCount()); 1 when the wasm backend is not running threaded. */
    threadCount: number;
    /** The binary TF.js loaded; absent while the wasm backend has not started. */
    binary?: WasmBinary;
  };
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
  userAgent: string;
  /** Backends tried before `backend` that could not start, with why (empty when the first worked). */
  fallbacks?: { backend: BackendName; reason: string }[];
}
