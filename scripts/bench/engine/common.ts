/**
 * Shared state of the engine figures (scripts/bench/engine-figures.ts): the command-line flags, the
 * seeds, bound and recipes, the figure shape, logging and rounding, the MNIST context with its
 * validation split, and the one adapter every technique run goes through (`runTechnique`).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { parseMnistBinary, mnistTensors, type MnistData } from '../../../src/engine/data/mnist';
import type { DatasetSplit } from '../../../src/engine/data/types';
import type { LoadedModel } from '../../../src/engine/model/loaded';
import type { InputFile } from '../../../src/engine/model/types';
import { carveValidation, VALIDATION_FRACTION, VALIDATION_SEED } from '../../../src/engine/pipeline/fit-data';
import type { TrainSettings } from '../../../src/engine/techniques/prune/meta';
import { runPrune } from '../../../src/engine/techniques/prune/run';
import { runQuantize } from '../../../src/engine/techniques/quantize/run';
import type { TechniqueContext, TechniqueData } from '../../../src/engine/techniques/types';
import type { Rung } from './prune-ladder';

export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../..');

// ---------------------------------------------------------------- command line

const argv = process.argv.slice(2);
export const QUICK = argv.includes('--quick');
export const OUT = argv.includes('--out') ? argv[argv.indexOf('--out') + 1] : 'bench/engine-figures.json';
const ONLY = argv.includes('--only') ? new Set(argv[argv.indexOf('--only') + 1].split(',')) : null;
export const wanted = (id: string) => !ONLY || ONLY.has(id);

// ---------------------------------------------------------------- technique adapter

const quietCtx: TechniqueContext = { progress: () => {} };

/** The configs the engine's variant-making prune / quantize runs accept (follows the engine's own types). */
export type PruneRunConfig = Parameters<typeof runPrune>[1];
export type QuantizeRunConfig = Parameters<typeof runQuantize>[1];

/**
 * The one place scripts/bench calls a technique: `id` picks the technique, `input` is the open
 * model, `data` the splits it may use (train to fine-tune on, validation to choose on — never the
 * test split). Returns the variant's TF.js files. When the technique contract changes (e.g. to
 * `run(ctx, config)` with ctx carrying input and data), only this function changes.
 */
export async function runTechnique(id: 'prune', input: LoadedModel, config: PruneRunConfig, data: TechniqueData, ctx?: TechniqueContext): Promise<InputFile[]>;
export async function runTechnique(id: 'quantize', input: LoadedModel, config: QuantizeRunConfig, data: TechniqueData, ctx?: TechniqueContext): Promise<InputFile[]>;
export async function runTechnique(
  id: 'prune' | 'quantize',
  input: LoadedModel,
  config: PruneRunConfig | QuantizeRunConfig,
  data: TechniqueData,
  ctx: TechniqueContext = quietCtx,
): Promise<InputFile[]> {
  const out = id === 'prune'
    ? await runPrune(input, config as PruneRunConfig, data, ctx)
    : await runQuantize(input, config as QuantizeRunConfig, data, ctx);
  return out.files;
}

// ---------------------------------------------------------------- seeds, bound, recipes

/** Fine-tuning seeds (shuffle order of the fine-tune; the starting model is the committed sample). */
export const SEEDS = QUICK ? [1] : [1, 2, 3];
export const BOUND_PTS = 0.3;
/** loss ≤ 0.3 pt, allowing for float rounding (99.2 − 98.9 is 0.30000000000001 in floats). */
export const withinBound = (lossPts: number) => lossPts <= BOUND_PTS + 1e-9;

/**
 * The validation split: the app's own carving of the 8,000 MNIST train images (stratified, fixed
 * seed: 1,000 images); fine-tuning sees only the other 7,000. Every setting a figure depends on is
 * chosen on it; the test split (2,000) measures the chosen setting once.
 */
export { VALIDATION_FRACTION, VALIDATION_SEED };

/** Adam at the prune defaults' rate, batch 64: `epochs` quick / full. */
const adam = (quickEpochs: number, fullEpochs: number, augment: TrainSettings['augment'] = 'none') => (seed: number): TrainSettings =>
  ({ epochs: QUICK ? quickEpochs : fullEpochs, batchSize: 64, learningRate: 5e-4, optimizer: 'adam', seed, augment });

/**
 * Recipes: the fine-tune recipe is fixed (Adam 5e-4, the prune defaults' rate; its length is what
 * fits the time budget: ~4 s an epoch for LeNet-300-100 and ~7 s for LeNet-5 on 7,000 images on a
 * 2-core machine). The settings a figure depends on — the sparsity rung, the cluster count k and
 * the structured ratio — are not fixed here: each ladder below lists what is tried, and the choice
 * is made on the validation split (mean over the seeds) by the rules in prune-ladder.ts,
 * f12-f1-f2-compression.ts and f3-structured.ts.
 */
export const RECIPES = {
  /**
   * LeNet-300-100: ~110 steps an epoch at batch 64 on 7,001 images, ±2 px shifts of each image
   * (its input is a 28×28 image, flattened by the model), Adam from 2e-3 decayed to 0 along a
   * cosine over 60 epochs. Why (validation only, seed 1 unless said, 95% sparse): the old 20
   * epochs from 1e-3 left the sparse net UNDER-fitting the shifted digits — 97.0% on the unshifted
   * fine-tune images, 96.7% on validation; without shifts it over-fit instead (99.3% / 96.8%,
   * 40 epochs 99.9% / 96.4%). Longer and from a higher rate with the shifts: 40 epochs from 1e-3
   * 96.7%, from 2e-3 97.3% (seed 2: 97.5%), 60 epochs from 2e-3 97.7% (96%: 96.9 / 97.2% on
   * seeds 1 / 2; 97%: 96.5%), from 3e-3 97.6%. The sample reads 96.9% on validation. Tried and
   * not kept: the Caffe LeNet-5 as a distillation teacher (T 4, α 0.3: 96.4%; T 2, α 0.5: 96.5%)
   * and |w|·input-RMS scores instead of |w| (96.5%; per-layer normalized 96.2%).
   */
  mlpFineTune: (seed: number): TrainSettings =>
    ({ epochs: QUICK ? 3 : 60, batchSize: 64, learningRate: 2e-3, optimizer: 'adam', seed, lrSchedule: 'cosine', augment: 'shift' }),
  /** Sparsity rungs, highest first (the first whose mean validation loss holds the bound wins). */
  mlpRungs: QUICK ? [0.93] : [0.97, 0.96, 0.95, 0.94, 0.93, 0.9],
  /**
   * With the ±2 px shifts the samples were trained with: on validation the same 4-epoch fine-tune
   * without pruning (seed 1) kept LeNet-5 at its 98.4% with them and dropped it to 97.6% without.
   */
  cnnFineTune: adam(1, 4, 'shift'),
  cnnRungs: QUICK ? [0.9] : [0.95, 0.9, 0.8, 0.7, 0.6, 0.5],
  /**
   * The Caffe LeNet-5 (431,080 params, 7× the small one's weights) holds far sparser: Deep
   * Compression kept 8% of its weights. Its 39× needs about 44 KB of gzip out of 1.72 MB.
   * From 96%: 45× needs ≤ 38.3 KB of gzip, which the 96% rung reached at k = 32 (46.0×, stop 20),
   * so sparser rungs would only trade accuracy for ratio the target does not ask for.
   */
  caffeRungs: QUICK ? [0.95] : [0.96, 0.95, 0.93, 0.9],
  /**
   * The Caffe LeNet-5 fine-tunes 48 epochs from 2e-3 decayed along a cosine, with the shifts (see
   * mlpFineTune for why longer and from a higher rate). Validation, seed 1, 96% sparse: 12 epochs
   * from 1e-3 (the recipe until stop 23) read 0.27 pt below the sample at k = 32 on three seeds
   * and 0.77 pt below on test; 24 epochs from 2e-3 read 98.0%, 48 epochs 98.3% (the sample:
   * 98.1%), with 100% of the unshifted fine-tune images right.
   */
  caffeFineTune: (seed: number): TrainSettings =>
    ({ epochs: QUICK ? 2 : 48, batchSize: 64, learningRate: 2e-3, optimizer: 'adam', seed, lrSchedule: 'cosine', augment: 'shift' }),
  /** Clusters per tensor, tried from the fewest; zeros are a pinned centroid. */
  clusterKs: QUICK ? [4, 16] : [4, 8, 16, 32],
  /**
   * Structured candidates tried (F3); the highest speed-up whose validation loss holds wins. On
   * wasm a conv over LeNet-5's 1-channel input costs the same with 2 or 6 filters (XNNPACK computes
   * output channels in blocks of 8) but follows its taps, so filter-shape pruning (5×5 → 3×3 on the
   * 'same' conv) is what makes batch 256 faster; conv2 ≤ 8 filters halves the other conv.
   */
  structuredCandidates: (seed: number): StructuredCandidate[] => {
    const fineTune = RECIPES.structuredFineTune(seed);
    const all: StructuredCandidate[] = [
      { label: 'uniform 30%', config: { method: 'structured', ratio: 0.3, norm: 'l1', fineTune } },
      { label: 'uniform 50%', config: { method: 'structured', ratio: 0.5, norm: 'l1', fineTune } },
      { label: 'conv2 50%, dense 30%, 3×3 kernels', config: { method: 'structured', ratio: 0.3, norm: 'l1', perLayer: { conv1: 0, conv2: 0.5 }, maxKernelSize: 3, fineTune } },
      { label: 'uniform 50%, 3×3 kernels', config: { method: 'structured', ratio: 0.5, norm: 'l1', maxKernelSize: 3, fineTune } },
    ];
    // Depth pruning: at batch 1 the per-layer cost of predict bounds what channel cuts can do (the
    // ceiling: every hidden layer at one filter, 1.05×), so these remove layers.
    const depthTune = RECIPES.depthFineTune(seed);
    all.push(
      { label: 'pools folded into strides, fc2 merged', config: { method: 'structured', ratio: 0, norm: 'l1', foldPooling: true, mergeDense: 1, fineTune: depthTune } },
      { label: 'pools folded into strides, fc1 and fc2 merged', config: { method: 'structured', ratio: 0, norm: 'l1', foldPooling: true, mergeDense: 2, fineTune: depthTune } },
      { label: 'pools folded into strides, fc1 and fc2 merged, rate 2e-3', config: { method: 'structured', ratio: 0, norm: 'l1', foldPooling: true, mergeDense: 2, fineTune: RECIPES.depthFineTune(seed, 2e-3) } },
    );
    const quick = ['conv2 50%, dense 30%, 3×3 kernels', 'pools folded into strides, fc1 and fc2 merged'];
    return QUICK ? all.filter((c) => quick.includes(c.label)) : all;
  },
  /**
   * Depth cuts change the function more than channel cuts (the convs sample where they pooled), so
   * they fine-tune longer, with the shifts the sample was trained with, at its rate decayed along a
   * cosine. Probe (validation, seed 1, pools folded + fc2 merged, before the folded kernels grew
   * to the pool's window): 12 epochs at a constant 1e-3 without shifts read 97.5%, these 30 epochs
   * 98.0%, 60 epochs 97.9%. The starting rate is a candidate setting, chosen on validation: for
   * pools folded + fc1, fc2 merged (seeds 1, 2) 5e-4 read 97.7/97.5%, 1e-3 97.8/98.2%, 2e-3
   * 98.1/98.2%, 3e-3 98.2/97.9%; 60 epochs at 1e-3 read 98.1% on all three seeds.
   */
  depthFineTune: (seed: number, learningRate = 1e-3): TrainSettings =>
    ({ epochs: QUICK ? 3 : 30, batchSize: 64, learningRate, optimizer: 'adam', seed, lrSchedule: 'cosine', augment: 'shift' }),
  /** Adam 1e-3 (the samples' own training rate): a pruned model needs more than a nudge to recover. */
  structuredFineTune: (seed: number): TrainSettings => ({ epochs: QUICK ? 4 : 12, batchSize: 64, learningRate: 1e-3, optimizer: 'adam', seed }),
};

export interface StructuredCandidate {
  label: string;
  config: Extract<PruneRunConfig, { method: 'structured' }>;
}

/** Interleaved latency measurement settings shared by the figures that time two models. */
export const LATENCY = { batchSize: 256, samples: QUICK ? 30 : 40 };

// ---------------------------------------------------------------- figures, logging, numbers

export interface Figure {
  id: string;
  name: string;
  value: number;
  unit: string;
  target: string;
  anchor: string;
  pass: boolean;
  detail: Record<string, unknown>;
}

export const t0 = performance.now();
export const log = (msg: string) => console.log(`[engine ${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${msg}`);
export const round = (x: number, digits = 2) => Number(x.toFixed(digits));
export const pts = (acc: number) => round(acc * 100, 2);
export const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Figures that ran but could not be produced under their definition, with what was tried. */
export const notProduced: Record<string, unknown>[] = [];

// ---------------------------------------------------------------- MNIST context

export interface Ctx {
  /** The 7,000 train images fine-tuning sees (the 8,000 minus the validation images). */
  train: DatasetSplit;
  /** The 1,000 validation images every setting is chosen on. */
  validation: DatasetSplit;
  /** The 2,000 test images: the chosen setting is measured on them once. */
  test: DatasetSplit;
  mnist: MnistData;
  /** What `detail` states about the splits. */
  splits: Record<string, unknown>;
  /** Pruning ladders kept for the Deep Compression figures (F12's for F1). */
  mlpLadder?: Rung[];
}

/**
 * The built-in MNIST (public/data/mnist-10k.bin) as the figures' context: the 8,000 train images
 * split into 7,000 fine-tune / 1,000 validation (seeded), and the 2,000 test images.
 * `dispose` frees every tensor made.
 */
export async function loadMnistContext(): Promise<{ c: Ctx; dispose: () => void }> {
  const mnist = parseMnistBinary(new Uint8Array(readFileSync(path.join(ROOT, 'public/data/mnist-10k.bin'))));
  const all = mnistTensors(mnist, 'train');
  const test = mnistTensors(mnist, 'test');
  // The same carving the app uses (engine/pipeline/fit-data.ts): stratified, seed 7, 1/8 of train.
  const owned: tf.Tensor[] = [];
  const carved = await carveValidation({ xs: all.xs, ys: all.ys, count: mnist.trainCount }, owned);
  if (!carved.validation) throw new Error('bench: no validation split carved');
  const train = carved.train;
  const validation = carved.validation;
  const c: Ctx = {
    mnist,
    train,
    validation,
    test: { xs: test.xs, ys: test.ys, count: mnist.count - mnist.trainCount },
    splits: {
      fineTuneImages: train.count,
      validationImages: validation.count,
      testImages: mnist.count - mnist.trainCount,
      validationCarving: `the app's own carving (carveValidation, engine/pipeline/fit-data.ts): stratified by class, seed ${VALIDATION_SEED}, ${VALIDATION_FRACTION} of the ${mnist.trainCount} MNIST train images; the other ${train.count} are the fine-tune set`,
      rule: 'every setting chosen on validation accuracy (mean over the seeds), the chosen setting measured once on the test images',
      note: 'the LeNet-300-100, LeNet-5 and LeNet-5 (Caffe) samples were trained on the fine-tune images only (validation held out); the teacher CNN on all 8,000',
    },
  };
  tf.dispose([all.xs, all.ys]);
  log(`MNIST: ${train.count} fine-tune / ${validation.count} validation (seed ${VALIDATION_SEED}) / ${c.test.count} test images`);
  const dispose = () => {
    c.mlpLadder = undefined;
    tf.dispose([c.train.xs, c.train.ys!, c.validation.xs, c.validation.ys!, c.test.xs, c.test.ys!]);
  };
  return { c, dispose };
}
