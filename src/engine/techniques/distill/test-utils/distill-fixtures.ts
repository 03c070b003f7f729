/**
 * Test-only builders for the distill tests: small seeded teachers (Layers CNN, GraphModel heads)
 * and a hand-made RunContext that records what a run emits and reports.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { DatasetSplit } from '../../../data/types';
import type { LoadedModel } from '../../../model/loaded';
import type { ModelRef } from '../../../model/types';
import { mulberry32 } from '../../../runtime/random';
import { loadedGraph, opNode, placeholder } from '../../../test-utils/model-fixtures';
import type { RunContext, TechniqueData, TechniqueOutput, TechniquePoint } from '../../types';

const glorot = (seed: number) => tfl.initializers.glorotUniform({ seed });

/**
 * A small CNN teacher for 28×28×1 images with BatchNorm, dropout and two identical conv blocks:
 * conv1 8@3×3 → BN → ReLU → MaxPool → [conv 8@3×3 same → BN → ReLU] ×2 → Flatten → Dropout →
 * Dense 16 ReLU → Dense 10 softmax.
 */
export function cnnTeacher(seed = 1): tfl.LayersModel {
  const block = (i: number) => [
    tfl.layers.conv2d({ name: `conv${i}`, filters: 8, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: glorot(seed + i) }),
    tfl.layers.batchNormalization({ name: `bn${i}` }),
    tfl.layers.activation({ name: `relu${i}`, activation: 'relu' }),
  ];
  return tfl.sequential({
    name: 'cnn_teacher',
    layers: [
      tfl.layers.conv2d({ name: 'conv1', inputShape: [28, 28, 1], filters: 8, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: glorot(seed) }),
      tfl.layers.batchNormalization({ name: 'bn1' }),
      tfl.layers.activation({ name: 'relu1', activation: 'relu' }),
      tfl.layers.maxPooling2d({ name: 'pool1', poolSize: 2 }),
      ...block(2),
      ...block(3),
      tfl.layers.maxPooling2d({ name: 'pool2', poolSize: 2 }),
      tfl.layers.flatten({ name: 'flatten' }),
      tfl.layers.dropout({ name: 'drop', rate: 0.25 }),
      tfl.layers.dense({ name: 'fc1', units: 16, activation: 'relu', kernelInitializer: glorot(seed + 10) }),
      tfl.layers.dense({ name: 'fc2', units: 10, activation: 'softmax', kernelInitializer: glorot(seed + 11) }),
    ],
  });
}

export type GraphHead = 'none' | 'Softmax' | 'LogSoftmax' | 'Sigmoid';

/** A one-layer GraphModel classifier x[-1, inputs] → MatMul → BiasAdd → head → Identity, seeded weights. */
export async function graphTeacher(head: GraphHead, opts: { inputs?: number; classes?: number; seed?: number } = {}): Promise<LoadedModel> {
  const { inputs = 784, classes = 10, seed = 7 } = opts;
  const rand = mulberry32(seed);
  const w = Array.from({ length: inputs * classes }, () => (rand() - 0.5) * 0.2);
  const b = Array.from({ length: classes }, () => (rand() - 0.5) * 0.2);
  const nodes = [
    placeholder('x', [-1, inputs]),
    opNode('mm', 'MatMul', ['x', 'w'], { transpose_a: { b: false }, transpose_b: { b: false } }),
    opNode('logits', 'BiasAdd', ['mm', 'b']),
    ...(head === 'none' ? [] : [opNode('head', head, ['logits'])]),
    opNode('out', 'Identity', [head === 'none' ? 'logits' : 'head']),
  ];
  return loadedGraph(nodes, [
    { name: 'w', shape: [inputs, classes], values: w },
    { name: 'b', shape: [classes], values: b },
  ]);
}

/** A labeled split as an unlabeled one (same xs, no labels). */
export const unlabeled = (s: DatasetSplit): DatasetSplit => ({ xs: s.xs, ys: null, count: s.count });

export interface FakeRun {
  ctx: RunContext;
  emitted: TechniqueOutput[];
  points: TechniquePoint[];
  phases: string[];
  resolved: ModelRef[];
}

/** A RunContext built by hand: `models` answers resolveModel by sample/library id. */
export function fakeRun(input: LoadedModel, data: TechniqueData, opts: { models?: Record<string, LoadedModel>; signal?: AbortSignal; names?: Map<LoadedModel, string> } = {}): FakeRun {
  const run: FakeRun = { emitted: [], points: [], phases: [], resolved: [], ctx: undefined as unknown as RunContext };
  run.ctx = {
    input,
    data,
    signal: opts.signal,
    progress: (phase, _done, _total, point) => {
      run.phases.push(phase);
      if (point) run.points.push(point);
    },
    resolveModel: async (ref) => {
      run.resolved.push(ref);
      const id = ref.kind === 'sample' ? ref.sampleId : ref.libraryId;
      const m = opts.models?.[id];
      if (!m) throw new Error(`fakeRun: no model '${id}'`);
      return m;
    },
    emit: async (o) => {
      run.emitted.push(o);
    },
    nameOf: (m) => opts.names?.get(m),
  };
  return run;
}

/** Flatten NHWC images to [n, h·w·c] (for MLP fixtures that take vectors). */
export function flatSplit(s: DatasetSplit): DatasetSplit {
  return { xs: tf.reshape(s.xs, [s.count, -1]), ys: s.ys, count: s.count };
}
