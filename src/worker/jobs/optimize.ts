import * as tf from '@tensorflow/tfjs-core';
import { checkDatasetFits, reshapeForModel } from '../../engine/data/adapt';
import { summarizeDataset, type DatasetSplit } from '../../engine/data/types';
import { BonsaiError } from '../../engine/errors';
import { evaluateAccuracy } from '../../engine/metrics/accuracy';
import { evaluateFidelity } from '../../engine/metrics/fidelity';
import { makeInputs } from '../../engine/metrics/inputs';
import { measureInterleaved } from '../../engine/metrics/interleaved';
import { disposeLoaded, loadPrepared } from '../../engine/model/load';
import type { LoadedModel } from '../../engine/model/loaded';
import { prepareModel } from '../../engine/model/validate';
import type { InputFile } from '../../engine/model/types';
import { TECHNIQUES } from '../../engine/techniques/registry';
import type { TechniqueData, TechniqueResult } from '../../engine/techniques/types';
import type { DatasetId, ModelId, ModelInfo, TechniqueStep, VariantMetrics, VariantReport } from '../protocol';
import { getDataset } from '../datasets';
import { disposeModel, getModel } from '../models';
import { deleteFromLibrary } from '../../library/db';
import type { JobContext } from './context';
import { openFromFiles } from './import';

/** The dataset's splits reshaped to the model input, or nothing when it does not fit. */
export function techniqueData(loaded: LoadedModel, datasetId: DatasetId | undefined): { data: TechniqueData; owned: tf.Tensor[]; note?: string } {
  if (!datasetId) return { data: {}, owned: [], note: 'No dataset: methods that need data were not available.' };
  const dataset = getDataset(datasetId);
  let shape: number[];
  try {
    shape = checkDatasetFits(loaded, summarizeDataset(dataset), false);
  } catch (e) {
    return { data: {}, owned: [], note: `${dataset.name} does not fit this model (${e instanceof Error ? e.message : String(e)}).` };
  }
  const owned: tf.Tensor[] = [];
  const fit = (split: DatasetSplit): DatasetSplit => {
    const xs = reshapeForModel(split.xs, shape);
    if (xs !== split.xs) owned.push(xs);
    return { xs, ys: split.ys, count: split.count };
  };
  return {
    data: { train: dataset.train.count ? fit(dataset.train) : undefined, validation: dataset.test.count ? fit(dataset.test) : undefined },
    owned,
  };
}

async function accuracyOf(loaded: LoadedModel, data: TechniqueData, ctx: JobContext, label: string): Promise<number | null> {
  const v = data.validation;
  if (!v?.ys) return null;
  try {
    const r = await evaluateAccuracy(loaded, v, { signal: ctx.signal, onProgress: (d, t) => ctx.progress(`Accuracy of ${label}`, d, t) });
    return r.accuracy;
  } catch (e) {
    if (ctx.signal.aborted) throw e;
    return null; // e.g. the dataset's classes do not match the model's outputs
  }
}

function metricsOf(info: ModelInfo, accuracy: number | null): VariantMetrics {
  const s = info.summary;
  return {
    params: s.params,
    nonZeroParams: s.nonZeroParams,
    storedBytes: s.storedBytes,
    gzipBytes: s.gzipBytes,
    flops: s.flops,
    residentBytes: info.residentBytes ?? null,
    accuracy,
  };
}

/** Run each step on the previous step's output; every intermediate model is disposed. */
async function runSteps(input: LoadedModel, steps: TechniqueStep[], data: TechniqueData, ctx: JobContext): Promise<TechniqueResult & { descriptions: string[] }> {
  let current = input;
  let result: TechniqueResult | undefined;
  const descriptions: string[] = [];
  const notes: string[] = [];
  try {
    for (const [i, step] of steps.entries()) {
      const technique = TECHNIQUES[step.technique];
      if (!technique) throw new BonsaiError('BAD_CONFIG', `Unknown technique "${step.technique}".`);
      const config = technique.meta.validate(step.config);
      const prefix = steps.length > 1 ? `Step ${i + 1}/${steps.length} (${technique.meta.label}): ` : '';
      result = await technique.run(current, config, data, {
        signal: ctx.signal,
        progress: (phase, done, total, point) => ctx.progress(prefix + phase, done, total, point),
      });
      descriptions.push(result.step);
      notes.push(...result.notes);
      if (i < steps.length - 1) {
        const next = await loadPrepared(prepareModel(result.files));
        if (current !== input) disposeLoaded(current);
        current = next;
      }
    }
  } finally {
    if (current !== input) disposeLoaded(current);
  }
  if (!result) throw new BonsaiError('BAD_CONFIG', 'Nothing to run: the recipe has no steps.');
  return { ...result, notes: [...new Set(notes)], descriptions };
}

/**
 * Apply a technique (or a recipe of several) to the open model, open the result as a new model in
 * the library, and measure parent and variant the same way: sizes, accuracy, fidelity and
 * interleaved latency on the backend in use.
 */
export async function runOptimize(
  spec: { modelId: ModelId; datasetId?: DatasetId; steps: TechniqueStep[]; name?: string; latencyBatchSizes?: number[] },
  ctx: JobContext,
): Promise<{ model: ModelInfo; report: VariantReport }> {
  const parent = getModel(spec.modelId);
  const { data, owned, note } = techniqueData(parent.loaded, spec.datasetId);
  try {
    const result = await runSteps(parent.loaded, spec.steps, data, ctx);
    const step = result.descriptions.join(' → ');
    const { model, createdLibraryEntry } = await openFromFiles(
      result.files as InputFile[],
      {
        name: spec.name ?? `${parent.info.name} · ${result.name}`,
        sourceKind: 'files',
        label: `${parent.info.name}, ${step}`,
        save: true,
        parent: parent.info.ref ? { ref: parent.info.ref, name: parent.info.name, step } : undefined,
      },
      ctx,
    );
    try {
      return { model, report: await measureVariant(parent, model, result, step, spec, data, note, ctx) };
    } catch (e) {
      // Cancelled or failed while measuring: no half-reported variant stays behind.
      disposeModel(model.id);
      // Only an entry this job created: identical bytes already in the library (int8 simulation
      // returns its input unchanged) belong to that earlier model.
      if (createdLibraryEntry && model.libraryId) await deleteFromLibrary(model.libraryId).catch(() => undefined);
      throw e;
    }
  } finally {
    tf.dispose(owned);
  }
}

/** Parent and variant measured the same way: accuracy, fidelity and interleaved latency. */
async function measureVariant(
  parent: { loaded: LoadedModel; info: ModelInfo },
  model: ModelInfo,
  result: TechniqueResult,
  step: string,
  spec: { steps: TechniqueStep[]; latencyBatchSizes?: number[] },
  data: TechniqueData,
  note: string | undefined,
  ctx: JobContext,
): Promise<VariantReport> {
    const child = getModel(model.id).loaded;
    const [accBefore, accAfter] = [await accuracyOf(parent.loaded, data, ctx, parent.info.name), await accuracyOf(child, data, ctx, model.name)];
    const report: VariantReport = {
      steps: spec.steps,
      step,
      perLayer: result.perLayer,
      notes: note ? [...result.notes, note] : result.notes,
      before: metricsOf(parent.info, accBefore),
      after: metricsOf(model, accAfter),
      fidelity: await fidelityOf(parent.loaded, child, data, ctx),
      latency: [],
      history: result.history,
    };
    for (const batchSize of spec.latencyBatchSizes ?? [1, 32]) {
      const r = await measureInterleaved(parent.loaded, child, {
        batchSize,
        signal: ctx.signal,
        onProgress: (d, t) => ctx.progress(`Latency, interleaved, batch ${batchSize}`, d, t),
      });
      report.latency.push({ backend: tf.getBackend(), batchSize, beforeMs: r.aMedianMs, afterMs: r.bMedianMs, ratio: r.ratio });
    }
    return report;
}

async function fidelityOf(parent: LoadedModel, child: LoadedModel, data: TechniqueData, ctx: JobContext): Promise<VariantReport['fidelity']> {
  const onProgress = (d: number, t: number) => ctx.progress('Fidelity to the parent', d, t);
  if (data.validation) {
    const r = await evaluateFidelity(parent, child, data.validation.xs, { signal: ctx.signal, onProgress });
    return { ...r, inputs: 'test split' };
  }
  const [xs] = makeInputs(parent, 256, 'random', 'fidelity on synthetic inputs');
  try {
    const r = await evaluateFidelity(parent, child, xs, { signal: ctx.signal, onProgress });
    return { ...r, inputs: 'synthetic (weak: no dataset fits)' };
  } catch (e) {
    if (ctx.signal.aborted) throw e;
    return null;
  } finally {
    xs.dispose();
  }
}
