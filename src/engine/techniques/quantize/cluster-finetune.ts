/**
 * Centroid fine-tuning (Deep Compression, §3.3) through Bonsai's training loop. Each clustered
 * weight keeps its cluster assignment; during every forward pass a layer reads, instead of its
 * float weight, the mean of that weight's cluster (the centroid), with straight-through gradients:
 * each optimizer step moves the float weights, and so each centroid by the mean gradient of its
 * members (the centroids are re-averaged after each step). A centroid at exactly 0 (pruned weights) is pinned there. Afterwards every weight is
 * set to its centroid and the model is clustered again, which keeps those ≤ k values and snaps
 * them to the (possibly moved) uint8 grid.
 */
import { reportTrainProgress } from '../../train/progress';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel, LayerVariable } from '@tensorflow/tfjs-layers';
import { BonsaiError } from '../../errors';
import type { LoadedModel } from '../../model/loaded';
import { cloneLayersModel, serializeLayersModel } from '../../model/serialize';
import { prepareModel } from '../../model/validate';
import { trainModel } from '../../train/loop';
import type { TrainHistory } from '../../train/meta';
import type { TechniqueContext, TechniqueData } from '../types';
import { clusterTensorValues } from './cluster';
import { quantizeFiles, type QuantizedFiles, type WeightPlan } from './encode';
import type { TrainSettings } from './meta';

/**
 * One clustered weight: fixed assignments, and its centroids (cluster means of the float weight)
 * as a variable the forward pass gathers from. The means are recomputed in JS after every step:
 * TF.js 4.22's WASM backend has no UnsortedSegmentSum and its SparseSegmentMean corrupts later
 * kernels' bookkeeping, and float64 sums keep small centroids exact.
 */
interface ClusterState {
  weight: LayerVariable;
  assignments: Uint16Array;
  /** 0 for a centroid pinned at zero (pruned weights), 1 elsewhere. */
  free: Uint8Array;
  centroids: tf.Variable;
  indices: tf.Tensor1D;
}

function clusterState(weight: LayerVariable, k: number, seed: number): ClusterState {
  const c = clusterTensorValues(weight.read().dataSync() as Float32Array, k, { seed });
  return {
    weight,
    assignments: c.assignments,
    free: Uint8Array.from(c.centroids, (v) => (v === 0 ? 0 : 1)),
    centroids: tf.tidy(() => tf.variable(tf.tensor1d(c.centroids), false)),
    indices: tf.tensor1d(Int32Array.from(c.assignments), 'int32'),
  };
}

/** Centroids := mean of each cluster's float weights (pinned zeros stay 0). */
function refreshCentroids(s: ClusterState): void {
  const values = s.weight.read().dataSync();
  const sums = new Float64Array(s.free.length);
  const counts = new Float64Array(s.free.length);
  for (let i = 0; i < values.length; i++) {
    sums[s.assignments[i]] += values[i];
    counts[s.assignments[i]]++;
  }
  const means = Float32Array.from(sums, (sum, j) => (s.free[j] && counts[j] > 0 ? sum / counts[j] : 0));
  tf.tidy(() => s.centroids.assign(tf.tensor1d(means)));
}

/**
 * w ↦ its centroids. The `mul(·, 1)` is a workaround: TF.js 4.22's WASM Gather records its output
 * under an internal rank-4 shape, and WASM _FusedMatMul refuses such a tensor as a Dense bias
 * ("only supports rank-1 bias but got rank 4"); an elementwise op re-records it with its real shape.
 */
function toCentroids(s: ClusterState): (w: tf.Tensor) => tf.Tensor {
  return (w) => tf.tidy(() => tf.reshape(tf.mul(tf.gather(s.centroids, s.indices), 1), w.shape));
}

export async function fineTuneClusters(
  input: LoadedModel,
  plan: WeightPlan,
  settings: TrainSettings,
  data: TechniqueData,
  ctx: TechniqueContext,
): Promise<{ quantized: QuantizedFiles; history: TrainHistory }> {
  if (input.format !== 'layers') {
    throw new BonsaiError('NOT_TRAINABLE', 'Error in cluster fine-tuning: a GraphModel is inference-only, so its centroids cannot be fine-tuned.',
      'Cluster without fine-tuning, or load the LayersModel version of this model.');
  }
  if (!data.train) {
    throw new BonsaiError('DATASET_UNAVAILABLE', 'Error in cluster fine-tuning: no training data was given.', 'Choose a dataset, or cluster without fine-tuning.');
  }
  const model: LayersModel = await cloneLayersModel(input.model);
  const states = new Map<LayerVariable, ClusterState>();
  try {
    const specs = new Map((input.prepared.artifacts.weightSpecs ?? []).map((s) => [s.name, s]));
    for (const w of model.trainableWeights) {
      const spec = specs.get(w.originalName);
      const choice = spec && spec.dtype === 'float32' ? plan(w.originalName, spec) : null;
      if (!choice || typeof choice === 'string') continue;
      states.set(w, clusterState(w, choice.clusters, settings.seed));
    }
    const history = await trainModel(model, { train: data.train, validation: data.validation }, { ...settings }, {
      signal: ctx.signal,
      onProgress: reportTrainProgress(ctx, 'fine-tune centroids'),
      hooks: {
        transformWeight: (w) => {
          const s = states.get(w);
          return s ? toCentroids(s) : null;
        },
        transformGradient: 'straight-through',
        afterStep: () => states.forEach(refreshCentroids),
      },
    });
    for (const s of states.values()) tf.tidy(() => void s.weight.write(toCentroids(s)(s.weight.read())));
    const prepared = prepareModel(await serializeLayersModel(model));
    return { quantized: quantizeFiles(prepared, plan, { seed: settings.seed }), history };
  } finally {
    for (const s of states.values()) tf.dispose([s.centroids, s.indices]);
    model.dispose();
  }
}
