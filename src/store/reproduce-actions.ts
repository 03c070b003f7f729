/**
 * "Reproduce on my device": replay a shared experiment here — open the base, run each variant's
 * steps on its parent (the base, or this device's reproduction of the parent), in the link's
 * order — and keep what this device measured beside what the author's did.
 */
import { BonsaiError } from '../engine/errors';
import type { InputFile } from '../engine/model/types';
import type { ShareLink } from '../share/link';
import { importFiles, openModel } from './actions';
import { reportError } from './errors';
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

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/**
 * A link whose base is a dropped file: import the files the receiver picked, check their SHA-256
 * against the link's, and replay only when they match. A wrong file is an error naming expected
 * and got; nothing is replayed.
 */
export async function reproduceWithBaseFiles(link: ShareLink, files: InputFile[]): Promise<boolean> {
  const base = link.base;
  if (base.kind !== 'file') return false;
  if (!(await importFiles(files, 'picked'))) return false;
  const model = selectCurrentModel(useStore.getState());
  if (!model) return false;
  if (model.summary.sha256 !== base.sha256) {
    reportError(new BonsaiError('BASE_FILE_MISMATCH',
      `Error in reproducing the shared experiment: expected the base "${base.name ?? link.name}" (${kb(base.bytes)} stored, SHA-256 ${base.sha256.slice(0, 16)}…), but got "${model.name}" from ${files.slice(0, 3).map((f) => f.path).join(', ')}${files.length > 3 ? ', …' : ''} (${kb(model.summary.storedBytes)} stored, SHA-256 ${model.summary.sha256.slice(0, 16)}…).`,
      'Pick the same model.json and .bin files the author dropped, byte for byte: a re-saved or converted copy has another SHA-256. Nothing was replayed.'));
    return false;
  }
  await reproduce(link);
  return true;
}
