import { BonsaiError } from '../../engine/errors';
import { collectFiles } from '../../engine/model/collect';
import { fetchModelFiles, loadPrepared, disposeLoaded } from '../../engine/model/load';
import { prepareModel } from '../../engine/model/validate';
import type { InputFile } from '../../engine/model/types';
import { summarize } from '../../engine/metrics/summary';
import { throwIfAborted } from '../../engine/runtime/yield';
import { readLibraryFiles, getLibraryEntry, saveToLibrary, type LibraryEntry } from '../../library/db';
import type { ModelInfo, ModelSource } from '../protocol';
import { registerModel } from '../models';
import type { JobContext } from './context';

function sampleUrl(sampleId: string): string {
  if (!/^[a-z0-9-]+$/.test(sampleId)) {
    throw new BonsaiError('URL_INVALID', `"${sampleId}" is not a built-in sample.`, 'Pick a sample from the list.');
  }
  return new URL(`${import.meta.env.BASE_URL}samples/${sampleId}/model.json`, self.location.origin).href;
}

async function resolveFiles(source: ModelSource): Promise<{ files: InputFile[]; label: string; libraryEntry?: LibraryEntry }> {
  switch (source.kind) {
    case 'sample':
      return { files: await fetchModelFiles(sampleUrl(source.sampleId), fetch), label: `Sample: ${source.sampleId}` };
    case 'url':
      return { files: await fetchModelFiles(source.url, fetch), label: source.url };
    case 'files':
      return { files: collectFiles(source.files), label: `${source.files.length} dropped file(s)` };
    case 'library': {
      const [entry, stored] = await Promise.all([getLibraryEntry(source.libraryId), readLibraryFiles(source.libraryId)]);
      if (!entry || !stored) {
        throw new BonsaiError('MODEL_NOT_FOUND', 'That model is no longer in the library.', 'Import it again.');
      }
      return { files: stored.files, label: entry.sourceLabel, libraryEntry: entry };
    }
    default: {
      const never: never = source;
      throw new Error(`Unknown model source ${JSON.stringify(never)}`);
    }
  }
}

function defaultName(source: ModelSource, modelJsonPath: string): string {
  if (source.kind === 'sample') return source.sampleId;
  if (source.kind === 'url') return decodeURIComponent(new URL(source.url).pathname.split('/').slice(-2, -1)[0] || 'model');
  const parts = modelJsonPath.replace(/^zip:/, '').split('/');
  return parts.length > 1 ? parts[parts.length - 2].replace(/\.zip$/i, '') : 'model';
}

/** Fetch or collect → validate → load → summarize → save to the library. */
export async function runImport(source: ModelSource, name: string | undefined, ctx: JobContext): Promise<ModelInfo> {
  ctx.progress('Reading files', 0, 4);
  const { files, label, libraryEntry } = await resolveFiles(source);
  throwIfAborted(ctx.signal);
  ctx.progress('Validating', 1, 4);
  const prepared = prepareModel(files);
  ctx.progress('Building the model', 2, 4);
  const loaded = await loadPrepared(prepared);
  try {
    throwIfAborted(ctx.signal);
    ctx.progress('Measuring', 3, 4);
    const summary = await summarize(loaded);
    throwIfAborted(ctx.signal);
    const modelName = name ?? libraryEntry?.name ?? defaultName(source, prepared.modelJsonPath);
    let storageError: ModelInfo['storageError'];
    let libraryId: string | undefined = libraryEntry?.id;
    if (!libraryEntry && source.kind !== 'sample') {
      const entry: LibraryEntry = {
        id: summary.sha256,
        name: modelName,
        format: prepared.format,
        sourceLabel: label,
        createdAt: Date.now(),
        storedBytes: summary.storedBytes,
        gzipBytes: summary.gzipBytes,
        params: summary.params,
      };
      const stored = [
        { path: prepared.modelJsonPath, bytes: prepared.modelJsonBytes },
        ...prepared.shards.map((s) => ({ path: s.path, bytes: s.bytes })),
      ];
      try {
        await saveToLibrary(entry, stored);
        libraryId = entry.id;
      } catch (e) {
        storageError = e instanceof BonsaiError ? e.toInfo() : { code: 'STORAGE_UNAVAILABLE', message: String(e) };
      }
    }
    ctx.progress('Done', 4, 4);
    return registerModel(loaded, {
      name: modelName,
      format: prepared.format,
      source: { kind: source.kind, label },
      summary,
      warnings: prepared.warnings,
      libraryId,
      storageError,
    });
  } catch (e) {
    disposeLoaded(loaded);
    throw e;
  }
}
