/**
 * "Benchmark selected": several saved models timed interleaved in one run on the current backend
 * (BENCHMARKS.md protocol), so their ratios are comparable; every model opened here is released.
 */
import * as tf from '@tensorflow/tfjs-core';
import { measureInterleavedMany } from '../../engine/metrics/interleaved';
import { disposeLoaded } from '../../engine/model/load';
import type { LoadedModel } from '../../engine/model/loaded';
import type { CompareLatencyResult, ModelRef } from '../protocol';
import { loadRef } from '../resolve-model';
import type { JobContext } from './context';

export async function runCompareLatency(refs: ModelRef[], batchSize: number, ctx: JobContext): Promise<CompareLatencyResult> {
  const models: LoadedModel[] = [];
  try {
    for (const [i, ref] of refs.entries()) {
      ctx.progress(`Opening model ${i + 1}/${refs.length}`, 0, 1);
      models.push((await loadRef(ref, ctx)).loaded);
    }
    const r = await measureInterleavedMany(models, { batchSize, signal: ctx.signal, onProgress: (done, total) => ctx.progress(`Timing ${refs.length} models interleaved · batch ${batchSize}`, done, total) });
    return { backend: tf.getBackend(), batchSize, medianMs: r.medianMs, ratio: r.ratio, samples: r.samples };
  } finally {
    for (const m of models) disposeLoaded(m);
  }
}
