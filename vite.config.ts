import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { wasmThreadsPlugin } from './scripts/vite-plugin-wasm-threads.ts';

/**
 * Cross-origin isolation lets the WASM backend use threads (SharedArrayBuffer). The CSP is strict:
 * no 'unsafe-eval' (WebAssembly compilation needs only 'wasm-unsafe-eval'); blob: workers are the
 * threaded WASM backend's pthreads.
 */
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval' blob:",
  "worker-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  // Users may load a model from any https URL they paste; nothing is ever sent to a server.
  "connect-src 'self' https: http://localhost:* http://127.0.0.1:* data: blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The built app carries its CSP as a meta tag too, so a static host without headers still gets it. */
function cspMetaPlugin(): Plugin {
  return {
    name: 'bonsai-csp-meta',
    apply: 'build',
    transformIndexHtml(html) {
      const meta = `<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY.replace(
        "; frame-ancestors 'none'",
        '',
      )}" />`;
      return html.replace('<head>', `<head>\n    ${meta}`);
    },
  };
}

/** The converter's op tables that the model validator reads (src/engine/model/op-list.ts). */
const CONVERTER_OP_LISTS = [
  'arithmetic', 'basic_math', 'control', 'convolution', 'creation', 'dynamic', 'evaluation', 'graph', 'hash_table', 'image',
  'logical', 'matrices', 'normalization', 'reduction', 'slice_join', 'sparse', 'spectral', 'string', 'transformation',
].map((name) => `@tensorflow/tfjs-converter/dist/operations/op_list/${name}`);

export default defineConfig({
  plugins: [react(), wasmThreadsPlugin(), cspMetaPlugin()],
  worker: { format: 'es', plugins: () => [wasmThreadsPlugin()] },
  optimizeDeps: {
    include: [
      '@tensorflow/tfjs-core',
      '@tensorflow/tfjs-layers',
      '@tensorflow/tfjs-converter',
      '@tensorflow/tfjs-backend-cpu',
      '@tensorflow/tfjs-backend-wasm',
      '@tensorflow/tfjs-backend-webgpu',
      '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops',
      'fflate',
      'idb',
      ...CONVERTER_OP_LISTS,
    ],
  },
  server: { headers: isolationHeaders },
  preview: { headers: { ...isolationHeaders, 'Content-Security-Policy': CONTENT_SECURITY_POLICY } },
  build: { target: 'es2022', sourcemap: false, chunkSizeWarningLimit: 4096 },
});
