#!/usr/bin/env -S npx tsx
/**
 * The BENCHMARKS.md figures that need no browser, computed by Bonsai's engine in Node on the WASM
 * backend (the same TF.js WASM build and gradient kernels the worker uses):
 *   F1  LeNet-300-100 Deep Compression (gradual pruning + fine-tune → k-means clustering), gzip ratio
 *   F2  the same recipe on the LeNet-5 sample (61,706 params, not the anchor's Caffe LeNet-5)
 *   F3  structured pruning of LeNet-5: WASM latency speed-up, the smaller of batch 1 and 256
 *   F4  PTQ uint8 of LeNet-5: stored-size ratio and accuracy loss
 *   F8  LeNet-5 training samples/s, WASM (Bonsai's gradient kernels) ÷ CPU backend
 *   F14 LeNet-5 training GFLOP/s (FLOPs counted from the kernels run) as a share of the SIMD128 peak
 *   F12 LeNet-300-100 pruning only, gzip ratio (plus the honest ≈1.0 latency ratio of sparse weights)
 *   F6, F7, F13 architecture search: speed-up of the found model, evolution vs random, latency table ρ
 *
 *   npx tsx scripts/bench/engine-figures.ts [--quick] [--only F4,F8] --out bench/engine-figures.json
 *
 * Data: the built-in MNIST (public/data/mnist-10k.bin). The 8,000 train images are split by a
 * seeded shuffle into 7,000 fine-tune and 1,000 validation images (engine/common.ts, VALIDATION);
 * fine-tuning only ever sees the 7,000. Every setting a figure depends on (sparsity rung, cluster
 * count, structured ratio) is chosen on validation accuracy, mean over the seeds, against the
 * committed sample's validation accuracy; the chosen setting is then measured ONCE on the 2,000
 * test images (mean of the seeds) against the sample's test accuracy, always from the exported
 * files reopened through Bonsai's validator (prepareModel + loadPrepared), and again with stock
 * `tf.loadLayersModel(tf.io.fromMemory(...))`, which must reproduce the accuracy.
 *
 * Every technique run goes through one adapter, `runTechnique` in engine/common.ts.
 *
 * This file is the entry: device profile, the selected figures each in its own try/catch, the JSON.
 * The flags, seeds, splits and recipes live in engine/common.ts; model files and accuracy in
 * engine/models.ts; the pruning ladder in engine/prune-ladder.ts; one module per figure family.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { useNodeBackend } from '../node-engine';
import { OUT, QUICK, loadMnistContext, log, notProduced, round, t0, wanted, type Ctx, type Figure } from './engine/common';
import { figureF1, figureF12, figureF2 } from './engine/f12-f1-f2-compression';
import { figureF3 } from './engine/f3-structured';
import { figureF4 } from './engine/f4-uint8';
import { figureF5 } from './engine/f5-distill';
import { figureF13, figureF6, figureF7 } from './engine/f6-f7-f13-search';
import { figureF8 } from './engine/f8-training';
import { figureF14 } from './engine/f14-training-share';

async function deviceProfile(): Promise<Record<string, unknown>> {
  const flag = async (name: string) => {
    try {
      return await tf.env().getAsync(name);
    } catch {
      return null;
    }
  };
  return {
    runtime: 'node',
    backend: tf.getBackend(),
    node: process.version,
    tfjs: tf.version_core,
    simd: await flag('WASM_HAS_SIMD_SUPPORT'),
    threads: await flag('WASM_HAS_MULTITHREAD_SUPPORT'),
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? null,
    platform: `${process.platform}-${process.arch}`,
  };
}

async function main(): Promise<void> {
  await useNodeBackend('wasm');
  const device = await deviceProfile();
  log(`device: ${JSON.stringify(device)}${QUICK ? ' (quick)' : ''}`);
  const { c, dispose } = await loadMnistContext();
  const figures: Figure[] = [];
  const errors: { id: string; error: string }[] = [];
  const run = async (id: string, f: (c: Ctx) => Promise<Figure | null>) => {
    if (!wanted(id)) return;
    const s0 = performance.now();
    const before = tf.memory().numTensors;
    try {
      const fig = await f(c);
      if (fig) {
        fig.detail.seconds = round((performance.now() - s0) / 1000, 1);
        figures.push(fig);
      }
    } catch (e) {
      console.error(`[engine] ${id} failed:`, e);
      errors.push({ id, error: e instanceof Error ? e.message : String(e) });
    }
    log(`${id} done in ${((performance.now() - s0) / 1000).toFixed(0)} s; tensors ${before} → ${tf.memory().numTensors}`);
  };
  await run('F4', figureF4);
  await run('F8', figureF8);
  await run('F14', figureF14);
  await run('F3', figureF3);
  await run('F12', figureF12);
  await run('F1', figureF1);
  await run('F2', figureF2);
  await run('F5', figureF5);
  await run('F13', figureF13);
  await run('F7', figureF7);
  await run('F6', figureF6);
  dispose();

  figures.sort((a, b) => Number(a.id.slice(1)) - Number(b.id.slice(1)));
  mkdirSync(path.dirname(path.resolve(OUT)), { recursive: true });
  writeFileSync(OUT, JSON.stringify({ device, quick: QUICK, seconds: round((performance.now() - t0) / 1000, 1), figures, notProduced, errors }, null, 2) + '\n');
  log(`wrote ${OUT}: ${figures.map((f) => `${f.id} ${f.value}${f.unit} ${f.pass ? 'pass' : 'FAIL'}`).join(', ')}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
