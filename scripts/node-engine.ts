/**
 * Start Bonsai's engine in Node for scripts (sample training, bench): the WASM backend from the
 * npm package, Bonsai's gradient kernels, chained tensor ops. Run scripts with `tsx`.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { registerWasmGradientKernels } from '../src/engine/kernels/register';

let pathsSet = false;

export async function useNodeBackend(name: 'wasm' | 'cpu'): Promise<void> {
  if (name === 'wasm' && !pathsSet) {
    const require = createRequire(import.meta.url);
    setWasmPaths(path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep);
    pathsSet = true;
  }
  if (!(await tf.setBackend(name)) || tf.getBackend() !== name) throw new Error(`backend ${name} did not start`);
  await tf.ready();
  registerWasmGradientKernels();
}
