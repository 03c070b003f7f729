/**
 * Where a model's files come from: a built-in sample, a URL, dropped files or the library. Shared
 * by the import job and by every job that opens a second model by reference (a teacher, a
 * fidelity reference).
 */
import { BonsaiError } from '../engine/errors';
import { collectFiles } from '../engine/model/collect';
import { fetchModelFiles, loadPrepared } from '../engine/model/load';
import type { LoadedModel } from '../engine/model/loaded';
import type { InputFile } from '../engine/model/types';
import { prepareModel } from '../engine/model/validate';
import { throwIfAborted } from '../engine/runtime/yield';
import { getLibraryEntry, readLibraryFiles, type LibraryEntry } from '../library/db';
import type { ModelRef, ModelSource } from './protocol';
import type { JobContext } from './jobs/context';

function sampleUrl(sampleId: string): string {
  if (!/^[a-z0-9-]+$/.test(sampleId)) {
    throw new BonsaiError('URL_INVALID', `"${sampleId}" is not a built-in sample.`, 'Pick a sample from the list.');
  }
  return new URL(`${import.meta.env.BASE_URL}samples/${sampleId}/model.json`, self.location.origin).href;
}

/** "1 file picked", "3 files dropped": what the user did, in their words. */
export function filesLabel(count: number, via: 'picked' | 'dropped'): string {
  return `${count} file${count === 1 ? '' : 's'} ${via}`;
}

export async function resolveFiles(source: ModelSource): Promise<{ files: InputFile[]; label: string; libraryEntry?: LibraryEntry }> {
  switch (source.kind) {
    case 'sample':
      return { files: await fetchModelFiles(sampleUrl(source.sampleId), fetch), label: `Sample: ${source.sampleId}` };
    case 'url':
      return { files: await fetchModelFiles(source.url, fetch), label: source.url };
    case 'files':
      return { files: collectFiles(source.files), label: filesLabel(source.files.length, source.via ?? 'picked') };
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

/** Load a model the user can name again (a sample or a library entry) without registering it. */
export async function loadRef(ref: ModelRef, ctx: JobContext): Promise<{ loaded: LoadedModel; name: string }> {
  const { files, libraryEntry } = await resolveFiles(ref);
  throwIfAborted(ctx.signal);
  const loaded = await loadPrepared(prepareModel(files));
  return { loaded, name: libraryEntry?.name ?? (ref.kind === 'sample' ? ref.sampleId : ref.libraryId) };
}

