import * as tf from '@tensorflow/tfjs-core';
import { BonsaiError } from '../../engine/errors';
import { loadPrepared, disposeLoaded } from '../../engine/model/load';
import { prepareModelExplained } from '../../engine/model/prepare-explained';
import type { InputFile } from '../../engine/model/types';
import { summarize } from '../../engine/metrics/summary';
import { sha256Hex, storedBytes } from '../../engine/metrics/size';
import { baseFileMismatch, type ExpectedBase } from '../../share/base-file';
import { throwIfAborted } from '../../engine/runtime/yield';
import { getLibraryEntry, saveToLibrary, type LibraryEntry } from '../../library/db';
import { resolveFiles } from '../resolve-model';
import type { ModelInfo, ModelRef, ModelSource } from '../protocol';
import type { PreparedModel } from '../../engine/model/loaded';
import type { ModelSummary } from '../../engine/model/types';
import { registerModel } from '../models';
import { defaultModelName, fingerprintName } from '../model-name';
import type { JobContext } from './context';

export interface OpenOptions {
  /** Null: nothing names the model; it is named after its fingerprint (`fingerprintName`). */
  name: string | null;
  sourceKind: ModelSource['kind'];
  label: string;
  /** Save to the library under the model's fingerprint (not for built-in samples). */
  save: boolean;
  /** Already in the library (opened from it): keep its id. */
  libraryEntry?: LibraryEntry;
  sampleId?: string;
  parent?: ModelInfo['parent'];
  /** The files must have this SHA-256: a mismatch is refused before the model is built or saved. */
  expected?: ExpectedBase;
}

async function storeInLibrary(prepared: PreparedModel, summary: ModelSummary, opts: OpenOptions & { name: string }): Promise<{ libraryId?: string; created?: boolean; storageError?: ModelInfo['storageError'] }> {
  const entry: LibraryEntry = {
    id: summary.sha256,
    name: opts.name,
    format: prepared.format,
    sourceLabel: opts.label,
    createdAt: Date.now(),
    storedBytes: summary.storedBytes,
    gzipBytes: summary.gzipBytes,
    params: summary.params,
    parent: opts.parent,
  };
  const files = [
    { path: prepared.modelJsonPath, bytes: prepared.modelJsonBytes },
    ...prepared.shards.map((s) => ({ path: s.path, bytes: s.bytes })),
  ];
  try {
    // The same bytes are already in the library (e.g. re-importing an export): keep that entry,
    // its name and its parent, rather than overwriting them.
    if (await getLibraryEntry(entry.id)) return { libraryId: entry.id };
    await saveToLibrary(entry, files);
    return { libraryId: entry.id, created: true };
  } catch (e) {
    return { storageError: e instanceof BonsaiError ? e.toInfo() : { code: 'STORAGE_UNAVAILABLE', message: String(e) } };
  }
}

/**
 * Validate → load → summarize → (save to the library) → register: the one path every model takes
 * into the engine, whether dropped, fetched, reopened or produced by a technique. Files written by
 * Bonsai go through the same validation as a user's, so every variant is stock-loadable.
 */
export async function openFromFiles(
  files: InputFile[],
  opts: OpenOptions,
  ctx: JobContext,
): Promise<{ model: ModelInfo; createdLibraryEntry: boolean }> {
  ctx.progress('Validating', 1, 4);
  const prepared = await prepareModelExplained(files);
  if (opts.expected) {
    const sha256 = await sha256Hex(prepared);
    if (sha256 !== opts.expected.sha256) throw baseFileMismatch(opts.expected, { name: opts.name ?? fingerprintName(sha256), paths: files.map((f) => f.path), bytes: storedBytes(prepared), sha256 });
  }
  ctx.progress('Building the model', 2, 4);
  const bytesBefore = tf.memory().numBytes;
  const loaded = await loadPrepared(prepared);
  const residentBytes = tf.memory().numBytes - bytesBefore;
  try {
    throwIfAborted(ctx.signal);
    ctx.progress('Measuring', 3, 4);
    const summary = await summarize(loaded);
    throwIfAborted(ctx.signal);
    const name = opts.name ?? fingerprintName(summary.sha256);
    const stored = opts.save && !opts.libraryEntry ? await storeInLibrary(prepared, summary, { ...opts, name }) : { libraryId: opts.libraryEntry?.id };
    ctx.progress('Done', 4, 4);
    const ref: ModelRef | undefined = opts.sampleId
      ? { kind: 'sample', sampleId: opts.sampleId }
      : stored.libraryId
        ? { kind: 'library', libraryId: stored.libraryId }
        : undefined;
    const model = registerModel(loaded, {
      name,
      format: prepared.format,
      source: { kind: opts.sourceKind, label: opts.label },
      summary,
      warnings: prepared.warnings,
      libraryId: stored.libraryId,
      residentBytes,
      ref,
      parent: opts.parent ?? opts.libraryEntry?.parent,
      storageError: stored.storageError,
    });
    return { model, createdLibraryEntry: stored.created === true };
  } catch (e) {
    disposeLoaded(loaded);
    throw e;
  }
}

/** Fetch or collect the files of a model source, then open them. */
export async function runImport(source: ModelSource, name: string | undefined, ctx: JobContext): Promise<ModelInfo> {
  ctx.progress('Reading files', 0, 4);
  const { files, label, libraryEntry } = await resolveFiles(source);
  throwIfAborted(ctx.signal);
  const modelJsonPath = (files.find((f) => /(^|\/)model\.json$/i.test(f.path)) ?? files.find((f) => /\.json$/i.test(f.path)))?.path ?? 'model.json';
  const { model } = await openFromFiles(
    files,
    {
      name: name ?? libraryEntry?.name ?? defaultModelName(source, modelJsonPath),
      sourceKind: source.kind,
      label,
      save: source.kind !== 'sample',
      libraryEntry,
      sampleId: source.kind === 'sample' ? source.sampleId : undefined,
      expected: source.kind === 'files' ? source.expect : undefined,
    },
    ctx,
  );
  return model;
}
