/**
 * Latency on this device, two ways:
 *  - `measureModelLatency`: the honest measurement of a whole candidate (BENCHMARKS.md protocol:
 *    cold run, ≥10 warm-ups, ≥30 samples of K back-to-back inferences with read-back, median);
 *  - `LatencyTable`: each distinct layer configuration (kind, shapes, kernel, stride, width,
 *    activation, batch) timed once, alone, and cached per device and backend (the worker keeps the
 *    cache in IndexedDB), so a candidate's latency is predicted by a sum in microseconds:
 *    overhead + Σ layer. A layer is timed by applying it to concrete tensors, K calls back to back
 *    (its kernels and its dispatch, no read-back); `overhead` — a one-layer no-op model timed the
 *    way a whole model is measured, predict and read-back — is what every model pays once.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { measureInterleavedRuns } from '../../metrics/interleaved';
import { inferenceRunner, measureLatency, type MeasureOptions } from '../../metrics/latency';
import type { LoadedModel } from '../../model/loaded';
import { buildSingleLayer } from './build';
import type { KeyValueCache } from '../types';
import type { LayerSpec } from './layers';

export type { KeyValueCache };

/** An in-memory cache (Node, tests, or when IndexedDB is unavailable). */
export function memoryCache(): KeyValueCache & { size(): number } {
  const m = new Map<string, unknown>();
  return { get: async (k) => m.get(k), set: async (k, v) => void m.set(k, v), size: () => m.size };
}

/**
 * One call of `call` on zeros of [batch, ...shape] per model input, its outputs read back when
 * `readBack` is set (always on WebGPU, which queues work), then disposed; `dispose` frees the inputs.
 */
function callRunner(model: LayersModel, batch: number, call: (arg: tf.Tensor | tf.Tensor[]) => tf.Tensor | tf.Tensor[], readBack: boolean) {
  const inputs = model.inputs.map((i) => tf.zeros([batch, ...i.shape.slice(1).map((d) => d ?? 1)]));
  const sync = readBack || tf.getBackend() === 'webgpu';
  const arg = inputs.length === 1 ? inputs[0] : inputs;
  return {
    run: async () => {
      const out = call(arg);
      const list = Array.isArray(out) ? out : [out];
      try {
        if (sync) await Promise.all(list.map((t) => t.data()));
      } finally {
        tf.dispose(list);
      }
    },
    dispose: () => tf.dispose(inputs),
  };
}

/** Median per-call time of `call` (see callRunner). */
async function timeCalls(model: LayersModel, batch: number, opts: MeasureOptions, call: (arg: tf.Tensor | tf.Tensor[]) => tf.Tensor | tf.Tensor[], readBack: boolean): Promise<number> {
  const runner = callRunner(model, batch, call, readBack);
  try {
    return (await measureLatency(runner.run, opts)).medianMs;
  } finally {
    runner.dispose();
  }
}

/** Time `model.predict` on zeros of [batch, ...shape] per input, read-back included. */
export function measureModelLatency(model: LayersModel, batch: number, opts: MeasureOptions = {}): Promise<number> {
  return timeCalls(model, batch, opts, (arg) => model.predict(arg), true);
}

/**
 * The model's batch-1 latency ÷ the reference's, timed interleaved with it in one run (BENCHMARKS.md:
 * compare two models A B A B …, quote the median pair ratio), so a drift in machine load — another
 * tab, a throttling laptop, a long search — moves both sides alike.
 */
export async function latencyVsReference(reference: LoadedModel, model: LayersModel, opts: { signal?: AbortSignal } = {}): Promise<number> {
  const ref = inferenceRunner(reference, 1, 'search');
  const candidate = callRunner(model, 1, (arg) => model.predict(arg), true);
  try {
    return (await measureInterleavedRuns(ref.runOnce, candidate.run, { signal: opts.signal })).ratio;
  } finally {
    candidate.dispose();
    ref.dispose();
  }
}

/** Protocol for table entries: a predictor, cached, re-used across searches. */
const TABLE_PROTOCOL: MeasureOptions = { warmupRuns: 5, samples: 15, allowFewSamples: true, minSampleMs: 2 };

/**
 * Per-call time of the model's last layer applied to concrete tensors, K calls back to back with
 * no read-back (wasm and cpu run eagerly, so the time is the kernels' and the layer's dispatch;
 * WebGPU queues work, so there each call is read back). No model-level predict overhead is in it:
 * that is counted once per model (`overhead`).
 */
function layerCallMs(model: LayersModel, batch: number, opts: MeasureOptions): Promise<number> {
  const layer = model.layers[model.layers.length - 1];
  return timeCalls(model, batch, opts, (arg) => layer.apply(arg) as tf.Tensor | tf.Tensor[], false);
}

export function layerConfigKey(l: LayerSpec, batch: number): string {
  return JSON.stringify([batch, l.kind, l.inShape, l.kernel ?? 0, l.strides ?? 1, l.filters ?? 0, l.units ?? 0, l.activation ?? '']);
}

export class LatencyTable {
  /** Table entries timed by this instance (the rest came from the cache). */
  timed = 0;
  private readonly memo = new Map<string, number>();
  private warm = false;

  constructor(
    private readonly cache: KeyValueCache,
    /** Device profile and backend, e.g. "wasm|simd|1 thread|Chrome 131|2 cores". */
    readonly deviceKey: string,
    private readonly signal?: AbortSignal,
  ) {}

  private async entry(key: string, time: () => Promise<number>): Promise<number> {
    const full = `${this.deviceKey}|${key}`;
    const memo = this.memo.get(full);
    if (memo !== undefined) return memo;
    const cached = await this.cache.get(full).catch(() => undefined);
    if (typeof cached === 'number' && Number.isFinite(cached)) {
      this.memo.set(full, cached);
      return cached;
    }
    const ms = await time();
    this.timed++;
    this.memo.set(full, ms);
    // A cache that cannot be written (quota, private mode) costs speed, not correctness.
    await this.cache.set(full, ms).catch(() => undefined);
    return ms;
  }

  private timeLayer(l: LayerSpec, batch: number, withReadback = false): Promise<number> {
    return this.entry(`${withReadback ? 'readback|' : ''}${layerConfigKey(l, batch)}`, async () => {
      const model = buildSingleLayer(l);
      try {
        const opts = { ...TABLE_PROTOCOL, signal: this.signal };
        return withReadback ? await measureModelLatency(model, batch, opts) : await layerCallMs(model, batch, opts);
      } finally {
        model.dispose();
      }
    });
  }

  /** Predicted per-inference latency (ms) of a model with these layers at this batch size. */
  async predict(layers: readonly LayerSpec[], inputShape: readonly number[], batch = 1): Promise<number> {
    const identity: LayerSpec = { name: 'base', kind: 'identity', inputs: [-1], inShape: [...inputShape], outShape: [...inputShape], params: 0, flops: 0 };
    if (!this.warm) {
      // The first timings of a fresh engine run cold code paths: warm up before anything is tabled.
      const model = buildSingleLayer(identity);
      try {
        await measureModelLatency(model, batch, { warmupRuns: 50, samples: 5, allowFewSamples: true, signal: this.signal });
      } finally {
        model.dispose();
      }
      this.warm = true;
    }
    let sum = await this.timeLayer(identity, batch, true);
    for (const l of layers) sum += await this.timeLayer(l, batch);
    return sum;
  }
}
