/**
 * Measure a variant against its parent the same way for both: sizes (from their summaries),
 * accuracy on the test split, fidelity to the parent, and interleaved latency on the backend in
 * use, each latency with the device profile it was measured on. Failures are not zeros: an
 * accuracy or fidelity that cannot be measured is null with the reason.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { DeviceProfile } from '../../backend/types';
import type { DatasetSplit } from '../data/types';
import { isAbortError } from '../errors';
import { evaluateAccuracy } from '../metrics/accuracy';
import { evaluateFidelity, fidelityVerdict } from '../metrics/fidelity';
import { measureInterleaved } from '../metrics/interleaved';
import { INPUT_DISTRIBUTIONS, spreadingInputs, type SyntheticInputs } from '../metrics/synthetic-inputs';
import type { LoadedModel } from '../model/loaded';
import type { ModelSummary } from '../model/types';
import { throwIfAborted } from '../runtime/yield';
import type { TechniqueContext, VariantOutput } from '../techniques/types';
import type { FidelityMeasure, TechniqueStep, VariantMetrics, VariantReport } from './report-types';

export interface MeasuredModel {
  loaded: LoadedModel;
  name: string;
  summary: ModelSummary;
  residentBytes: number | null;
}

export interface MeasureOptions extends TechniqueContext {
  /** The held-out split; absent when the dataset has none or does not fit. */
  test?: DatasetSplit;
  /** Why there is no test split (shown as the reason accuracy is unknown). */
  noTestReason?: string;
  latencyBatchSizes?: number[];
  device: DeviceProfile | null;
  /**
   * The parent's test accuracy when the job already measured it (a run that saves several
   * variants measures its parent once, not once per variant).
   */
  parentAccuracy?: Promise<{ accuracy: number | null; accuracyUnknown?: string }>;
  /** Latency samples per batch size (BENCHMARKS.md: ≥ 30). */
  latencySamples?: number;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Top-1 accuracy on the test split, or null with why. Cancellation is rethrown, never a null. */
export async function accuracyOrReason(m: MeasuredModel, opts: MeasureOptions): Promise<{ accuracy: number | null; accuracyUnknown?: string }> {
  if (!opts.test) return { accuracy: null, accuracyUnknown: opts.noTestReason ?? 'No test split: open a labeled dataset that fits this model.' };
  if (!opts.test.ys) return { accuracy: null, accuracyUnknown: 'The dataset has no labels: see fidelity instead.' };
  try {
    const r = await evaluateAccuracy(m.loaded, opts.test, { signal: opts.signal, onProgress: (d, t) => opts.progress(`Accuracy of ${m.name}`, d, t) });
    return { accuracy: r.accuracy };
  } catch (e) {
    if (isAbortError(e) || opts.signal?.aborted) throw e;
    return { accuracy: null, accuracyUnknown: `Accuracy could not be measured: ${message(e)}` };
  }
}

export function metricsOf(m: MeasuredModel, acc: { accuracy: number | null; accuracyUnknown?: string }): VariantMetrics {
  const s = m.summary;
  return {
    params: s.params,
    nonZeroParams: s.nonZeroParams,
    storedBytes: s.storedBytes,
    gzipBytes: s.gzipBytes,
    flops: s.flops,
    ...(s.flopsUnknown ? { flopsUnknown: s.flopsUnknown } : {}),
    residentBytes: m.residentBytes,
    ...acc,
  };
}

async function fidelityOf(parent: LoadedModel, child: LoadedModel, opts: MeasureOptions): Promise<{ fidelity: FidelityMeasure | null; fidelityUnknown?: string }> {
  const onProgress = (d: number, t: number) => opts.progress('Fidelity to the parent', d, t);
  const measure = async (xs: tf.Tensor, inputs: FidelityMeasure['inputs'], distribution?: string) => {
    try {
      const r = await evaluateFidelity(parent, child, xs, { signal: opts.signal, onProgress });
      const notMeaningful = fidelityVerdict(r, inputs === 'test split' ? 'test examples' : `synthetic inputs (best of ${INPUT_DISTRIBUTIONS.length} distributions tried: ${distribution})`);
      const fidelity: FidelityMeasure = {
        agreement: r.agreement,
        meanKL: r.meanKL,
        count: r.count,
        inputs,
        maxLogitDelta: r.maxLogitDelta,
        parentClasses: r.referenceClasses,
        parentTopShare: r.referenceTopShare,
        ...(distribution ? { distribution } : {}),
        ...(notMeaningful ? { notMeaningful } : {}),
      };
      return { fidelity };
    } catch (e) {
      if (isAbortError(e) || opts.signal?.aborted) throw e;
      return { fidelity: null, fidelityUnknown: `Fidelity could not be measured: ${message(e)}` };
    }
  };
  if (opts.test) return measure(opts.test.xs, 'test split');
  let synthetic: SyntheticInputs;
  try {
    opts.progress('Choosing synthetic inputs that spread the parent\'s predictions', 0, 1);
    synthetic = await spreadingInputs(parent, 256, opts.signal);
  } catch (e) {
    if (isAbortError(e) || opts.signal?.aborted) throw e;
    return { fidelity: null, fidelityUnknown: `No dataset fits and synthetic inputs could not be made: ${message(e)}` };
  }
  try {
    return await measure(synthetic.xs, 'synthetic (weak: no dataset fits)', synthetic.distribution);
  } finally {
    synthetic.xs.dispose();
  }
}

/** The full before/after report of `child`, made from `parent` by `steps`. */
export async function measureVariant(
  parent: MeasuredModel,
  child: MeasuredModel,
  output: VariantOutput,
  steps: TechniqueStep[],
  step: string,
  opts: MeasureOptions,
): Promise<VariantReport> {
  const accBefore = await (opts.parentAccuracy ?? accuracyOrReason(parent, opts));
  const accAfter = await accuracyOrReason(child, opts);
  const fid = await fidelityOf(parent.loaded, child.loaded, opts);
  const report: VariantReport = {
    steps,
    step,
    perLayer: output.perLayer,
    notes: output.notes,
    before: metricsOf(parent, accBefore),
    after: metricsOf(child, accAfter),
    fidelity: fid.fidelity,
    ...(fid.fidelityUnknown ? { fidelityUnknown: fid.fidelityUnknown } : {}),
    latency: [],
    ...(output.history ? { history: output.history } : {}),
    ...(output.role ? { role: output.role } : {}),
  };
  for (const batchSize of opts.latencyBatchSizes ?? [1, 32]) {
    throwIfAborted(opts.signal);
    const r = await measureInterleaved(parent.loaded, child.loaded, {
      batchSize,
      samples: opts.latencySamples,
      signal: opts.signal,
      onProgress: (d, t) => opts.progress(`Latency, interleaved, batch ${batchSize}`, d, t),
    });
    report.latency.push({ backend: tf.getBackend(), batchSize, beforeMs: r.aMedianMs, afterMs: r.bMedianMs, ratio: r.ratio, ratioSpread: r.ratioSpread, device: opts.device });
  }
  return report;
}
