/// <reference types="vite/client" />
/**
 * Tells the TF.js WASM backend where Vite put its three binaries (browser only).
 *
 * Vite's `?url` gives each `.wasm` file a hashed URL in the build (and a /node_modules URL in dev);
 * `setWasmPaths` with a full map is the only form that survives hashing. Call this before the
 * first `tf.setBackend('wasm')`. Importing this module configures the paths (side effect);
 * initBackend in ./select also calls configureWasmPaths() before starting wasm.
 */
import { env } from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

export const WASM_BINARY_URLS = {
  'tfjs-backend-wasm.wasm': wasmPlainUrl,
  'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimdUrl,
} as const;

let configured = false;

/**
 * Idempotent: TF.js throws if paths are set after the backend has tried to start. A no-op in
 * Node (vitest): there the `?url` paths mean nothing and tests point TF.js at node_modules
 * themselves (src/engine/test-utils/backends.ts); a file map set here would override theirs.
 */
export function configureWasmPaths(): void {
  if (configured) return;
  if (env().getBool('IS_NODE')) return;
  setWasmPaths({ ...WASM_BINARY_URLS });
  configured = true;
}

configureWasmPaths();
