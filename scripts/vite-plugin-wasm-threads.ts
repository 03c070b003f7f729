import type { Plugin } from 'vite';

/**
 * Keeps TF.js's threaded WASM backend working in a bundled, minified build (DESIGN.md §6).
 *
 * The problem: `@tensorflow/tfjs-backend-wasm/dist/backend_wasm.js` starts its pthread workers
 * with
 *
 *     mainScriptUrlOrBlob = new Blob(['var WasmBackendModuleThreadedSimd = ' +
 *                                     wasmFactoryThreadedSimd.toString()])
 *
 * and each pthread worker `importScripts()` that blob and calls the factory. `toString()` of the
 * *bundled* factory only contains the inner function: once the bundler has wrapped the CommonJS
 * module and the minifier has renamed the variables the factory closes over (`_scriptDir` → `e`,
 * `require('fs')` → a bundler helper, …), the text no longer stands on its own, and every pthread
 * dies with `ReferenceError: e is not defined`; TF.js then never finishes initialising the backend.
 *
 * The fix: when the bundler loads `wasm-out/tfjs-backend-wasm-threaded-simd.js`, capture the
 * file's original source as a string literal (string contents survive minification untouched)
 * and give the factory its own `toString()` that returns a self-contained expression evaluating
 * to the same factory:
 *
 *     (function () { <original file>; return WasmBackendModuleThreadedSimd; })()
 *
 * so the blob becomes `var WasmBackendModuleThreadedSimd = (function () {…})()`. Nothing is
 * evaluated from a string (no eval / new Function): the pthread worker loads the blob with
 * importScripts, which the CSP allows through `script-src blob:` (blob workers inherit the CSP
 * of the worker that creates them) and `worker-src blob:`.
 *
 * The build fails loudly if a future TF.js changes either file so that the patch no longer applies,
 * rather than shipping a backend that hangs at start-up.
 */

const THREADED_FACTORY = /[\\/]@tensorflow[\\/]tfjs-backend-wasm[\\/]wasm-out[\\/]tfjs-backend-wasm-threaded-simd\.js$/;
const BACKEND_MODULE = /[\\/]@tensorflow[\\/]tfjs-backend-wasm[\\/]dist[\\/]backend_wasm\.js$/;
const FACTORY_DECL = 'var WasmBackendModuleThreadedSimd =';
const TO_STRING_USE = /var WasmBackendModuleThreadedSimd = `\s*\+\s*wasmFactoryThreadedSimd\.toString\(\)/;
/** Marker the e2e test / build check can look for in the output. */
export const PATCH_MARKER = '__bonsaiSelfContainedFactory';

/** The transform itself, exported for unit tests. Throws if `code` does not declare the factory. */
export function patchThreadedFactory(code: string): string {
  if (!code.includes(FACTORY_DECL)) {
    throw new Error(
      `bonsai-wasm-threads: tfjs-backend-wasm-threaded-simd.js no longer declares "${FACTORY_DECL}"; ` +
        'the pthread workers cannot be made self-contained. Check the tfjs-backend-wasm version.',
    );
  }
  const selfContained = `(function () {\n${code}\n;return WasmBackendModuleThreadedSimd;\n})()`;
  return (
    code +
    `\n;(function (factory, source) {\n` +
    `  // ${PATCH_MARKER}: see scripts/vite-plugin-wasm-threads.ts\n` +
    `  Object.defineProperty(factory, 'toString', { value: function () { return source; }, configurable: true });\n` +
    `  factory.${PATCH_MARKER} = true;\n` +
    `})(WasmBackendModuleThreadedSimd, ${JSON.stringify(selfContained)});\n`
  );
}

export function wasmThreadsPlugin(): Plugin {
  let usesToString = false;
  let patched = false;
  return {
    name: 'bonsai-wasm-threads',
    enforce: 'pre',
    buildStart() {
      usesToString = false;
      patched = false;
    },
    transform(code, id) {
      const file = id.split('?')[0];
      if (BACKEND_MODULE.test(file)) {
        if (!TO_STRING_USE.test(code)) {
          this.warn(
            'bonsai-wasm-threads: backend_wasm.js no longer builds its pthread script from ' +
              'wasmFactoryThreadedSimd.toString(); re-check whether the patch is still needed.',
          );
        }
        usesToString = true;
        return null;
      }
      if (!THREADED_FACTORY.test(file)) return null;
      patched = true;
      try {
        return { code: patchThreadedFactory(code), map: null };
      } catch (e) {
        this.error((e as Error).message);
      }
    },
    buildEnd(error) {
      if (!error && usesToString && !patched) {
        this.error(
          'bonsai-wasm-threads: @tensorflow/tfjs-backend-wasm was bundled but its threaded factory ' +
            '(wasm-out/tfjs-backend-wasm-threaded-simd.js) was never transformed; threaded WASM would break.',
        );
      }
    },
  };
}
