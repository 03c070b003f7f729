/**
 * "Reproduce on my device": replay a shared experiment here — open the base, run each variant's
 * steps on its parent (the base, or this device's reproduction of the parent), in the link's
 * order — and keep what this device measured beside what the author's did.
 */
import type { InputFile } from '../engine/model/types';
import type { ShareLink } from '../share/link';
import { openModel } from './actions';
import { optimizeCurrent } from './optimize-actions';
import { useShare, type Reproduced, type ReproduceState } from './share-actions';
import { selectCurrentModel, selectCurrentRecord, useStore } from './store';

function setState(patch: Partial<ReproduceState>): void {
  useShare.setState((s) => ({ reproduce: { ...s.reproduce, ...patch } }));
}

async function openBase(link: ShareLink): Promise<boolean> {
  const current = selectCurrentModel(useStore.getState());
  if (link.base.kind === 'file') return !!current && current.summary.sha256 === link.base.sha256;
  if (link.base.kind === 'sample') {
    if (current?.ref?.kind === 'sample' && current.ref.sampleId === link.base.id && !current.parent) return true;
    return openModel({ kind: 'sample', sampleId: link.base.id });
  }
  // A URL base: the view asked for confirmation (naming the host) before this runs.
  return openModel({ kind: 'url', url: link.base.url });
}

/** Replay every variant in order. Stops at the first that fails, saying which and why. */
export async function reproduce(link: ShareLink): Promise<void> {
  setState({ running: true, yours: {}, failed: null });
  const yours: Record<number, Reproduced> = {};
  try {
    for (const [i, v] of link.variants.entries()) {
      const parentOpen = v.parent < 0 ? await openBase(link) : yours[v.parent]?.libraryId ? await openModel({ kind: 'library', libraryId: yours[v.parent].libraryId! }) : false;
      if (!parentOpen) {
        setState({ failed: { index: i, reason: v.parent < 0 ? (link.base.kind === 'file' ? 'Open the base file first (its SHA-256 must match the link).' : 'The base model could not be opened.') : `Its parent (${link.variants[v.parent]?.name}) was not reproduced.` } });
        return;
      }
      if (!(await optimizeCurrent(v.steps))) {
        setState({ failed: { index: i, reason: 'The step failed or was cancelled (see the error above).' } });
        return;
      }
      const s = useStore.getState();
      const model = selectCurrentModel(s);
      const record = selectCurrentRecord(s);
      if (!model || !record?.report) {
        setState({ failed: { index: i, reason: 'The result could not be measured.' } });
        return;
      }
      yours[i] = {
        sha256: model.summary.sha256,
        libraryId: model.libraryId ?? null,
        after: record.report.after,
        latency: record.report.latency.map((l) => ({ backend: l.backend, batch: l.batchSize, ms: l.afterMs })),
      };
      setState({ yours: { ...yours } });
    }
  } finally {
    setState({ running: false });
  }
}

/**
 * A link whose base is a dropped file: the files the receiver picked are checked against the
 * link's SHA-256 in the worker before anything is built or saved (share/base-file.ts); a wrong file
 * is refused with BASE_FILE_MISMATCH naming expected and got, and leaves no trace in the Library.
 * The right one is imported, and the experiment replays on it.
 */
export async function reproduceWithBaseFiles(link: ShareLink, files: InputFile[]): Promise<boolean> {
  const base = link.base;
  if (base.kind !== 'file') return false;
  const expected = { sha256: base.sha256, name: base.name ?? link.name, bytes: base.bytes };
  if (!(await openModel({ kind: 'files', files, via: 'picked', expect: expected }, undefined, files.map((f) => f.bytes.buffer as ArrayBuffer)))) return false;
  const model = selectCurrentModel(useStore.getState());
  // The worker checked; this only guards against another model having been opened meanwhile.
  if (model?.summary.sha256 !== base.sha256) return false;
  await reproduce(link);
  return true;
}
