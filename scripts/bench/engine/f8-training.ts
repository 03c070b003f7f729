/**
 * F8: LeNet-5 training samples/s, WASM (Bonsai's gradient kernels) ÷ CPU backend.
 *
 * Each backend's step time is first calibrated (one short run), then the step count per timed window
 * is set so a window lasts ≥ WINDOW_MS on that backend. Windows alternate (wasm, cpu, wasm, cpu, …)
 * so a drift in machine load hits both; each window is a fresh model (warm-up steps untimed) and
 * the median window per backend is taken. Nothing is chosen, so no validation split is needed.
 */
import * as tf from '@tensorflow/tfjs-core';
import { mnistTensors } from '../../../src/engine/data/mnist';
import { buildLeNet5 } from '../../../src/engine/kernels/test-utils/cnn-fixtures';
import { measureTrainingThroughput, type TrainingThroughput } from '../../../src/engine/kernels/measure-training';
import { useNodeBackend } from '../../node-engine';
import { QUICK, log, median, round, type Ctx, type Figure } from './common';

const BATCH = 64;
const WINDOWS = 3;
/** Minimum length of one timed window, per backend (full run: ≥ 24 s of CPU-backend training in all). */
const WINDOW_MS = { wasm: QUICK ? 1000 : 3000, cpu: QUICK ? 1 : 8000 };
const WARMUP = { wasm: 3, cpu: 1 };
const MIN_STEPS = { wasm: 10, cpu: QUICK ? 1 : 3 };

export async function figureF8(c: Ctx): Promise<Figure> {
  log(`F8: LeNet-5 training throughput, wasm vs cpu (batch ${BATCH}), ${WINDOWS} alternating windows per backend`);
  const { xs, ys } = mnistTensors(c.mnist, 'train', { limit: 512 });
  const build = () => {
    const m = buildLeNet5();
    m.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
    return m;
  };
  const data = { xs: await xs.data(), ys: await ys.data() };
  /** One window on `backend` (tensors copied onto it), the backend left on wasm afterwards. */
  const window = async (backend: 'wasm' | 'cpu', steps: number, warmupSteps: number): Promise<TrainingThroughput> => {
    await useNodeBackend(backend);
    const x = tf.tensor(data.xs, xs.shape);
    const y = tf.tensor(data.ys, ys.shape);
    try {
      return await measureTrainingThroughput(build, x, y, { batchSize: BATCH, steps, warmupSteps });
    } finally {
      tf.dispose([x, y]);
      await useNodeBackend('wasm');
    }
  };
  try {
    // Calibration: one short run per backend, to size the windows.
    const calib = { wasm: await window('wasm', MIN_STEPS.wasm, WARMUP.wasm), cpu: await window('cpu', 1, WARMUP.cpu) };
    const steps = {
      wasm: Math.max(MIN_STEPS.wasm, Math.ceil(WINDOW_MS.wasm / calib.wasm.msPerStep)),
      cpu: Math.max(MIN_STEPS.cpu, Math.ceil(WINDOW_MS.cpu / calib.cpu.msPerStep)),
    };
    log(`F8: calibration wasm ${calib.wasm.msPerStep.toFixed(1)} ms/step, cpu ${calib.cpu.msPerStep.toFixed(0)} ms/step → windows of ${steps.wasm} wasm / ${steps.cpu} cpu steps`);
    const runs: { wasm: TrainingThroughput[]; cpu: TrainingThroughput[] } = { wasm: [], cpu: [] };
    for (let i = 0; i < WINDOWS; i++) {
      for (const b of ['wasm', 'cpu'] as const) {
        const r = await window(b, steps[b], WARMUP[b]);
        runs[b].push(r);
        log(`F8: window ${i + 1} ${b}: ${r.msPerStep.toFixed(1)} ms/step (${r.samplesPerSec.toFixed(1)} samples/s) over ${steps[b]} steps`);
      }
    }
    const ms = { wasm: median(runs.wasm.map((r) => r.msPerStep)), cpu: median(runs.cpu.map((r) => r.msPerStep)) };
    const sps = { wasm: (BATCH * 1000) / ms.wasm, cpu: (BATCH * 1000) / ms.cpu };
    const ratio = sps.wasm / sps.cpu;
    const pairRatios = runs.cpu.map((r, i) => r.msPerStep / runs.wasm[i].msPerStep);
    log(`F8: median wasm ${sps.wasm.toFixed(0)} samples/s, cpu ${sps.cpu.toFixed(1)} samples/s → ${ratio.toFixed(1)}×`);
    const side = (b: 'wasm' | 'cpu') => ({
      samplesPerSec: round(sps[b], 2),
      medianMsPerStep: round(ms[b], 2),
      windowsMsPerStep: runs[b].map((r) => round(r.msPerStep, 2)),
      stepsPerWindow: steps[b],
      warmupStepsPerWindow: WARMUP[b],
      windows: WINDOWS,
      timedSteps: steps[b] * WINDOWS,
      timedSeconds: round(runs[b].reduce((n, r) => n + r.msPerStep * steps[b], 0) / 1000, 1),
      minWindowMs: WINDOW_MS[b],
      calibrationMsPerStep: round(calib[b].msPerStep, 2),
    });
    return {
      id: 'F8',
      name: 'LeNet-5 training throughput, WASM (Bonsai gradient kernels) ÷ CPU backend',
      value: round(ratio, 1),
      unit: '×',
      target: '≥ 20×',
      anchor: 'TF.js README: WASM+SIMD 26–43× plain JS (inference)',
      pass: ratio >= 20,
      detail: {
        model: 'LeNet-5 (fresh per window, compiled with adam + categorical cross-entropy)',
        batchSize: BATCH,
        protocol: `${WINDOWS} timed windows per backend, alternating wasm/cpu; each window a fresh model, warm-up steps untimed, then enough steps to last ≥ the window minimum; the median window per backend counts`,
        wasm: side('wasm'),
        cpu: side('cpu'),
        windowPairRatios: pairRatios.map((r) => round(r, 2)),
        data: '512 MNIST train images, batches in order',
        runtime: 'Node (same TF.js WASM build as the browser; Node has no WASM threads here)',
        quick: QUICK,
      },
    };
  } finally {
    tf.dispose([xs, ys]);
  }
}
