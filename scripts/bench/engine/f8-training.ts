/** F8: LeNet-5 training samples/s, WASM (Bonsai's gradient kernels) ÷ CPU backend. */
import * as tf from '@tensorflow/tfjs-core';
import { mnistTensors } from '../../../src/engine/data/mnist';
import { buildLeNet5 } from '../../../src/engine/kernels/test-utils/cnn-fixtures';
import { measureTrainingThroughput } from '../../../src/engine/kernels/measure-training';
import { useNodeBackend } from '../../node-engine';
import { QUICK, log, round, type Ctx, type Figure } from './common';

export async function figureF8(c: Ctx): Promise<Figure> {
  log('F8: LeNet-5 training throughput, wasm vs cpu (batch 64)');
  const { xs, ys } = mnistTensors(c.mnist, 'train', { limit: 512 });
  const build = () => {
    const m = buildLeNet5();
    m.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
    return m;
  };
  const wasmRun = { steps: QUICK ? 10 : 30, warmupSteps: 3 };
  const cpuRun = { steps: QUICK ? 1 : 2, warmupSteps: 1 };
  try {
    const wasm = await measureTrainingThroughput(build, xs, ys, { batchSize: 64, ...wasmRun });
    log(`F8: wasm ${wasm.samplesPerSec.toFixed(0)} samples/s (${wasm.msPerStep.toFixed(1)} ms/step)`);
    // The tensors belong to the wasm backend; cpu gets its own copies.
    await useNodeBackend('cpu');
    const xsCpu = tf.tensor(await xs.data(), xs.shape);
    const ysCpu = tf.tensor(await ys.data(), ys.shape);
    let cpu;
    try {
      cpu = await measureTrainingThroughput(build, xsCpu, ysCpu, { batchSize: 64, ...cpuRun });
    } finally {
      tf.dispose([xsCpu, ysCpu]);
      await useNodeBackend('wasm');
    }
    log(`F8: cpu ${cpu.samplesPerSec.toFixed(1)} samples/s (${cpu.msPerStep.toFixed(0)} ms/step)`);
    const ratio = wasm.samplesPerSec / cpu.samplesPerSec;
    return {
      id: 'F8',
      name: 'LeNet-5 training throughput, WASM (Bonsai gradient kernels) ÷ CPU backend',
      value: round(ratio, 1),
      unit: '×',
      target: '≥ 20×',
      anchor: 'TF.js README: WASM+SIMD 26–43× plain JS (inference)',
      pass: ratio >= 20,
      detail: {
        model: 'LeNet-5 (fresh, compiled with adam + categorical cross-entropy)',
        batchSize: 64,
        wasm: { samplesPerSec: round(wasm.samplesPerSec, 1), msPerStep: round(wasm.msPerStep, 2), ...wasmRun },
        cpu: { samplesPerSec: round(cpu.samplesPerSec, 2), msPerStep: round(cpu.msPerStep, 1), ...cpuRun },
        data: '512 MNIST train images, batches in order',
        runtime: 'Node (same TF.js WASM build as the browser; Node has no WASM threads here)',
        quick: QUICK,
      },
    };
  } finally {
    tf.dispose([xs, ys]);
  }
}
