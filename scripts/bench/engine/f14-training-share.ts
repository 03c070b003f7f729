/**
 * F14: LeNet-5 training GFLOP/s (forward + backward, counted from the kernels run) as a share of the
 * measured SIMD128 multiply-add peak (target ≥ 25%).
 *
 * FLOPs per step: one `trainOnBatch` of a throw-away LeNet-5 (adam + categorical cross-entropy,
 * batch 64, as F8) under `tf.profile`; every conv / matmul kernel recorded is counted as 2 × its
 * multiply-adds (src/engine/kernels/training-flops.ts); the other kernels are listed with 0 FLOPs.
 * Time per step: F8's protocol on wasm (fresh model per window, warm-up steps untimed). Peak: the
 * same SIMD128 microbenchmark as F9 (src/engine/metrics/simd-peak.ts), in this same Node process —
 * the runtime that trains — single thread, as TF.js's wasm backend here. Interleaved: each round
 * times the peak, then a training window; the share is per round and the median round is the
 * value, so a load drift on the shared machine hits both sides. Nothing is chosen, so no
 * validation split is involved.
 */
import * as tf from '@tensorflow/tfjs-core';
import { mnistTensors } from '../../../src/engine/data/mnist';
import { buildLeNet5 } from '../../../src/engine/kernels/test-utils/cnn-fixtures';
import { measureTrainingThroughput } from '../../../src/engine/kernels/measure-training';
import { profileTrainingStep } from '../../../src/engine/kernels/training-flops';
import { measureSimdPeak } from '../../../src/engine/metrics/simd-peak';
import { QUICK, log, median, round, type Ctx, type Figure } from './common';

const BATCH = 64;
const WINDOWS = 3;
const WINDOW_MS = QUICK ? 1000 : 3000;
const WARMUP = 3;
const TARGET_PCT = 25;
const PROFILED_STEPS = 3;

export async function figureF14(c: Ctx): Promise<Figure> {
  log(`F14: LeNet-5 training GFLOP/s (batch ${BATCH}, wasm) as a share of the SIMD128 peak`);
  const { xs, ys } = mnistTensors(c.mnist, 'train', { limit: 512 });
  const build = () => {
    const m = buildLeNet5();
    m.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
    return m;
  };
  try {
    // FLOPs of one step, counted from the kernels run (after warm-up steps, on a throw-away model).
    const probe = build();
    let step: Awaited<ReturnType<typeof profileTrainingStep>> | undefined;
    try {
      const [xb, yb] = tf.tidy(() => [tf.slice(xs, 0, BATCH), tf.slice(ys, 0, BATCH)]);
      try {
        for (let i = 0; i < WARMUP; i++) await probe.trainOnBatch(xb, yb);
        // The FLOPs are the same every step; the kernel times are not (a shared machine): keep the
        // least disturbed of PROFILED_STEPS profiled steps for the per-kernel table.
        for (let i = 0; i < PROFILED_STEPS; i++) {
          const s = await profileTrainingStep(probe, xb, yb);
          if (!step || s.kernelMs < step.kernelMs) step = s;
        }
      } finally {
        tf.dispose([xb, yb]);
      }
    } finally {
      probe.dispose();
    }
    if (!step) throw new Error('F14: no step was profiled');
    const calib = await measureTrainingThroughput(build, xs, ys, { batchSize: BATCH, steps: 10, warmupSteps: WARMUP });
    const steps = Math.max(10, Math.ceil(WINDOW_MS / calib.msPerStep));
    // Interleaved, as BENCHMARKS.md asks of any ratio on a shared machine: each round times the
    // SIMD peak, then one training window; the share is per round, the median round counts.
    const windows: number[] = [];
    const peaks: number[] = [];
    const shares: number[] = [];
    for (let i = 0; i < WINDOWS; i++) {
      const p = await measureSimdPeak({ runs: 3 });
      const r = await measureTrainingThroughput(build, xs, ys, { batchSize: BATCH, steps, warmupSteps: WARMUP });
      windows.push(r.msPerStep);
      peaks.push(p.gflops);
      shares.push((step.flops / (r.msPerStep * 1e6) / p.gflops) * 100);
      log(`F14: round ${i + 1}: peak ${p.gflops.toFixed(1)} GFLOP/s, ${r.msPerStep.toFixed(1)} ms/step over ${steps} steps → ${shares[i].toFixed(1)}%`);
    }
    const sharePct = median(shares);
    const msPerStep = median(windows);
    const gflops = step.flops / (msPerStep * 1e6);
    const peak = median(peaks);
    log(`F14: ${(step.flops / 1e6).toFixed(1)} MFLOP/step counted; median round share ${sharePct.toFixed(1)}% (median ${msPerStep.toFixed(1)} ms/step = ${gflops.toFixed(2)} GFLOP/s, median peak ${peak.toFixed(1)} GFLOP/s)`);
    const total = step.kernelMs || 1;
    return {
      id: 'F14',
      name: 'LeNet-5 training GFLOP/s (forward + backward, counted from the kernels run) as a share of the measured SIMD128 peak',
      value: round(sharePct, 1),
      unit: '%',
      target: `≥ ${TARGET_PCT}%`,
      anchor: 'inference at batch 256 reaches ~40% here',
      pass: sharePct >= TARGET_PCT,
      detail: {
        model: 'LeNet-5 (fresh per window, compiled with adam + categorical cross-entropy)',
        batchSize: BATCH,
        flopsPerStep: step.flops,
        flopsCounting: 'one trainOnBatch under tf.profile; FLOPs = 2 × multiply-adds of every conv / matmul kernel recorded (forward, input and filter gradients), from its input and output shapes; other kernels (bias, ReLU, pooling, softmax, loss, Adam updates) counted as 0',
        medianMsPerStep: round(msPerStep, 2),
        windowsMsPerStep: windows.map((w) => round(w, 2)),
        stepsPerWindow: steps,
        samplesPerSec: round((BATCH * 1000) / msPerStep, 1),
        gflopsTraining: round(gflops, 3),
        gflopsPeakMedian: round(peak, 2),
        rounds: windows.map((w, i) => ({ msPerStep: round(w, 2), gflopsPeak: round(peaks[i], 2), sharePct: round(shares[i], 2) })),
        peak: {
          kernel: 'simd-peak.ts: f32x4.mul + f32x4.add, independent accumulators, single thread (the same module F9 runs in the browser)',
          where: 'this Node process (the runtime the training ran in), measured right before each training window (best of 3 runs); share per round, the median round is the value',
        },
        kernelProfile: {
          what: `the least disturbed of ${PROFILED_STEPS} profiled steps, per kernel: calls, counted FLOPs and the profiler\'s kernel time (share of the summed kernel time)`,
          kernelMs: round(step.kernelMs, 2),
          kernels: step.kernels.slice(0, 14).map((k) => ({ kernel: k.kernel, calls: k.calls, mflops: round(k.flops / 1e6, 2), ms: round(k.ms, 2), sharePct: round((k.ms / total) * 100, 1), ...(k.flops > 0 && k.ms > 0 ? { gflops: round(k.flops / (k.ms * 1e6), 2) } : {}) })),
        },
        runtime: 'Node, TF.js wasm backend (SIMD, 1 thread), Bonsai\'s gradient kernels',
        quick: QUICK,
      },
    };
  } finally {
    tf.dispose([xs, ys]);
  }
}
