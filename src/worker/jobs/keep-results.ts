/**
 * What the worker keeps of a job's results: each variant opened through the same validation as a
 * user's files, measured against its parent (engine/pipeline/measure.ts) and saved with its record
 * in one transaction; each report saved as an analysis of the model it describes.
 */
import * as tf from '@tensorflow/tfjs-core';
import { deviceProfile } from '../../backend/profile';
import { toErrorInfo } from '../../engine/errors';
import { loadPrepared, disposeLoaded } from '../../engine/model/load';
import { prepareModel } from '../../engine/model/validate';
import { summarize } from '../../engine/metrics/summary';
import type { FittedData } from '../../engine/pipeline/fit-data';
import { accuracyOrReason, measureVariant, type MeasuredModel } from '../../engine/pipeline/measure';
import type { DeviceProfile } from '../../backend/types';
import type { OutputInfo } from '../../engine/pipeline/recipe';
import type { TechniqueOutput, VariantOutput } from '../../engine/techniques/types';
import { saveAnalysis, saveVariant, type LibraryEntry } from '../../library/db';
import { RECORD_SCHEMA_VERSION, type AnalysisRecord, type VariantRecord } from '../../share/records';
import type { ModelInfo, OptimizeOutput } from '../protocol';
import { registerModel } from '../models';
import type { JobContext } from './context';

/**
 * What every result of one job shares, worked out once per job: the device profile (a failed
 * probe says why, it is not mistaken for "no browser") and the parent's test accuracy.
 */
const perJob = new WeakMap<FittedData, { device: Promise<DeviceProfile | null>; parentAccuracy: Map<string, ReturnType<typeof accuracyOrReason>> }>();

function shared(fitted: FittedData) {
  let s = perJob.get(fitted);
  if (!s) {
    s = { device: deviceProfile(tf.getBackend()).catch(() => null), parentAccuracy: new Map() };
    perJob.set(fitted, s);
  }
  return s;
}

/** A parent's test accuracy, measured once per job (a recipe's steps each have their own parent). */
function parentAccuracyOf(cache: Map<string, ReturnType<typeof accuracyOrReason>>, parent: Parent, measure: () => ReturnType<typeof accuracyOrReason>) {
  const key = parent.info.summary.sha256;
  let a = cache.get(key);
  if (!a) {
    a = measure();
    cache.set(key, a);
  }
  return a;
}

export type Parent = { loaded: MeasuredModel['loaded']; info: ModelInfo };

const measured = (p: Parent): MeasuredModel => ({ loaded: p.loaded, name: p.info.name, summary: p.info.summary, residentBytes: p.info.residentBytes ?? null });

/** Open, measure and save one variant. The primary one stays open; emitted ones are closed after saving. */
export async function keepVariant(
  parent: Parent,
  output: VariantOutput,
  info: OutputInfo,
  fitted: FittedData,
  spec: { name?: string; latencyBatchSizes?: number[]; runId?: string },
  ctx: JobContext,
): Promise<OptimizeOutput> {
  ctx.progress('Validating the variant', 0, 1);
  const prepared = prepareModel(output.files);
  const bytesBefore = tf.memory().numBytes;
  const loaded = await loadPrepared(prepared);
  const residentBytes = tf.memory().numBytes - bytesBefore;
  try {
    const summary = await summarize(loaded);
    const name = info.final && spec.name ? spec.name : `${parent.info.name} · ${output.name}`;
    const job = shared(fitted);
    const device = await job.device;
    const report = await measureVariant(measured(parent), { loaded, name, summary, residentBytes }, output, info.steps, info.step, {
      test: fitted.test,
      noTestReason: fitted.note,
      parentAccuracy: parentAccuracyOf(job.parentAccuracy, parent, () => accuracyOrReason(measured(parent), { test: fitted.test, noTestReason: fitted.note, device, signal: ctx.signal, progress: ctx.progress })),
      latencyBatchSizes: spec.latencyBatchSizes,
      device,
      signal: ctx.signal,
      progress: ctx.progress,
    });
    if (fitted.note) report.notes = [...report.notes, fitted.note];
    if (fitted.description) report.data = fitted.description;
    const record: VariantRecord = {
      schema: RECORD_SCHEMA_VERSION,
      id: summary.sha256,
      parentId: parent.info.summary.sha256,
      parentRef: parent.info.ref ?? null,
      parentName: parent.info.name,
      name,
      format: prepared.format,
      steps: info.steps,
      createdAt: Date.now(),
      ...(spec.runId ? { runId: spec.runId } : {}),
      report,
    };
    const parentLink = parent.info.ref ? { ref: parent.info.ref, name: parent.info.name, step: info.step } : undefined;
    const entry: LibraryEntry = {
      id: summary.sha256,
      name,
      format: prepared.format,
      sourceLabel: `${parent.info.name}, ${info.step}`,
      createdAt: record.createdAt,
      storedBytes: summary.storedBytes,
      gzipBytes: summary.gzipBytes,
      params: summary.params,
      parent: parentLink,
    };
    const files = [{ path: prepared.modelJsonPath, bytes: prepared.modelJsonBytes }, ...prepared.shards.map((s) => ({ path: s.path, bytes: s.bytes }))];
    // Saved last, in one transaction: a cancel or failure before this point leaves nothing behind.
    // Bytes identical to the parent's are the parent: nothing new to save (its record stays as it is).
    const sameAsParent = summary.sha256 === parent.info.summary.sha256;
    if (sameAsParent) report.notes = [...report.notes, 'The result is byte-identical to its parent (nothing changed), so no new variant was saved.'];
    let storageError: ModelInfo['storageError'];
    try {
      if (!sameAsParent) await saveVariant(entry, files, record);
    } catch (e) {
      storageError = toErrorInfo(e, 'STORAGE_UNAVAILABLE');
    }
    const saved = !sameAsParent && !storageError;
    const infoOut: Omit<ModelInfo, 'id'> = {
      name,
      format: prepared.format,
      source: { kind: 'files', label: entry.sourceLabel },
      summary,
      warnings: prepared.warnings,
      libraryId: saved ? entry.id : parent.info.libraryId,
      residentBytes,
      ref: saved ? { kind: 'library', libraryId: entry.id } : sameAsParent ? parent.info.ref : undefined,
      parent: parentLink,
      storageError,
    };
    // The store keeps records by SHA-256: a parent-identical result must not replace the parent's card.
    const kept = sameAsParent ? undefined : record;
    if (!info.final) {
      disposeLoaded(loaded);
      return { kind: 'variant', record: kept, storageError };
    }
    return { kind: 'variant', record: kept, model: registerModel(loaded, infoOut), storageError };
  } catch (e) {
    disposeLoaded(loaded);
    throw e;
  }
}

export async function keepReport(parent: Parent, output: Extract<TechniqueOutput, { kind: 'report' }>, info: OutputInfo, fitted: FittedData): Promise<OptimizeOutput> {
  const device = await shared(fitted).device;
  const now = Date.now();
  const { kind: _kind, ...report } = output;
  const record: AnalysisRecord = {
    schema: RECORD_SCHEMA_VERSION,
    id: `${parent.info.summary.sha256}:${info.steps.map((s) => s.technique).join('+')}:${now}`,
    modelId: parent.info.summary.sha256,
    modelName: parent.info.name,
    technique: info.steps[info.stepIndex].technique,
    config: info.steps[info.stepIndex].config,
    createdAt: now,
    device,
    report: { ...report, ...(fitted.description ? { data: fitted.description } : {}) },
  };
  let storageError: ModelInfo['storageError'];
  try {
    await saveAnalysis(record);
  } catch (e) {
    storageError = toErrorInfo(e, 'STORAGE_UNAVAILABLE');
  }
  return { kind: 'report', record, storageError };
}

