/**
 * Named experiments from the page's side: the list, the open one (kept across reloads), and the
 * rule that keeps existing flows working — every new variant joins the experiment its parent
 * belongs to (the open one first), or starts one named after its base model.
 */
import { create } from 'zustand';
import type { ErrorInfo } from '../engine/errors';
import type { ExperimentRecord } from '../library/experiment-record';
import { adoptExperiment, deleteExperiment, duplicateExperiment, joinExperiment, listExperiments, renameExperiment, type ExperimentBase } from '../library/experiments-db';
import type { VariantRecord } from '../share/records';
import { errorInfoOf, reportError } from './errors';
import { recallLastModel, recallOpenExperiment, rememberLastModel, rememberOpenExperiment } from './persist';
import { selectCurrentDataset, selectCurrentModel, useStore } from './store';

export interface ExperimentsState {
  list: ExperimentRecord[];
  openId?: string;
  /** Why the list could not be read (storage unavailable), or is missing damaged experiments; shown in the panel. */
  error?: ErrorInfo;
  /** What the last action did, when it is not visible on its own ("already imported"); shown in the panel. */
  notice?: string;
}

export const useExperiments = create<ExperimentsState>()(() => ({ list: [], openId: recallOpenExperiment() }));

export const selectOpenExperiment = (s: ExperimentsState): ExperimentRecord | undefined => s.list.find((e) => e.id === s.openId);

function setOpen(id: string | undefined): void {
  useExperiments.setState({ openId: id });
  rememberOpenExperiment(id);
}

export async function refreshExperiments(): Promise<void> {
  try {
    const { experiments, damaged } = await listExperiments();
    // In the panel, not the error list: every refresh would add the same error again.
    const error: ErrorInfo | undefined = damaged.length ? { code: 'RECORD_INVALID', message: `${damaged.length} saved experiment(s) could not be read: ${damaged[0]}`, hint: 'Their models are still in the Library.' } : undefined;
    useExperiments.setState({ list: experiments, error });
  } catch (e) {
    useExperiments.setState({ error: errorInfoOf(e) });
  }
}

/**
 * The variant records of the experiment the open model belongs to: the open experiment's when it
 * holds the model (as base or variant), else all of them (the model's whole lineage).
 */
export function scopeRecords(records: readonly VariantRecord[], experiment: ExperimentRecord | undefined, modelSha: string | undefined): readonly VariantRecord[] {
  if (!experiment || !modelSha || (experiment.baseSha256 !== modelSha && !experiment.variantIds.includes(modelSha))) return records;
  const ids = new Set(experiment.variantIds);
  return records.filter((r) => ids.has(r.id));
}

/** The records the open model's Compare, share link and experiment file describe. */
export function currentScope(): readonly VariantRecord[] {
  const s = useStore.getState();
  return scopeRecords(s.libraryRecords, selectOpenExperiment(useExperiments.getState()), selectCurrentModel(s)?.summary.sha256);
}

/** Where a new experiment about `record` starts: its root ancestor, and the ancestors in between. */
function baseOf(record: VariantRecord, known: Map<string, VariantRecord>): { base: ExperimentBase; ancestors: string[] } | null {
  let first = record;
  const ancestors: string[] = [];
  while (first.parentId && known.has(first.parentId) && !ancestors.includes(first.parentId) && ancestors.length < 64) {
    ancestors.unshift(first.parentId);
    first = known.get(first.parentId)!;
  }
  if (!first.parentId) return null;
  const s = useStore.getState();
  const dataset = selectCurrentDataset(s)?.summary;
  const entry = s.library.find((e) => e.id === first.parentId);
  return {
    ancestors,
    base: {
      base: first.parentRef ?? { kind: 'library', libraryId: first.parentId },
      baseSha256: first.parentId,
      baseName: (first.parentName || entry?.name || 'model').slice(0, 400),
      dataset: dataset?.name.slice(0, 400) ?? null,
      seed: dataset?.seed ?? null,
    },
  };
}

/** New variants join their parent's experiment (the open one first) or start one; the last one joined becomes the open one. */
export async function joinExperiments(records: VariantRecord[]): Promise<void> {
  if (!records.length) return;
  const known = new Map([...useStore.getState().libraryRecords, ...records].map((r) => [r.id, r]));
  try {
    for (const r of records) {
      const made = baseOf(r, known);
      if (!made) continue;
      const { openId } = useExperiments.getState();
      const joined = await joinExperiment({ id: r.id, parentId: r.parentId }, openId, `${made.base.baseName.slice(0, 180)} experiment`, made.base, Date.now(), made.ancestors);
      setOpen(joined.id);
    }
  } catch (e) {
    // Without storage the Library already says so (and the variant was not saved either).
    // Experiment failures carry no 'library' source: refreshLibrary, which runs right after an
    // optimization or a delete, clears those on success, and the error would vanish unread.
    if (errorInfoOf(e).code !== 'STORAGE_UNAVAILABLE') reportError(e);
  }
  await refreshExperiments();
}

/**
 * An experiment from imported records (an experiment file), opened: named for its base, or — when
 * this browser already has it (imported twice, or exported from here) — the existing one, with a
 * notice saying so instead of a duplicate.
 */
export async function adoptImportedExperiment(name: string, records: VariantRecord[]): Promise<void> {
  const known = new Map(records.map((r) => [r.id, r]));
  const root = records.find((r) => !r.parentId || !known.has(r.parentId));
  const made = root && baseOf(root, known);
  if (!made) return;
  try {
    const { record, existed } = await adoptExperiment(`${name.slice(0, 180)} experiment`, made.base, records.map((r) => r.id));
    setOpen(record.id);
    useExperiments.setState({ notice: existed ? `Already imported: this experiment is saved here as “${record.name}”, now open. Nothing was duplicated.` : undefined });
  } catch (e) {
    reportError(e);
  }
  await refreshExperiments();
}

/** Open an experiment: its base model opens (unless it or one of its variants is open already). */
export async function openExperiment(id: string, openModel: (ref: ExperimentRecord['base']) => Promise<boolean>): Promise<void> {
  const e = useExperiments.getState().list.find((x) => x.id === id);
  if (!e) return;
  setOpen(id);
  const sha = selectCurrentModel(useStore.getState())?.summary.sha256;
  if (sha && (sha === e.baseSha256 || e.variantIds.includes(sha))) return;
  await openModel(e.base);
}

/** Rename; the error (empty, too long, gone) is returned for the field that asked, not thrown. */
export async function renameExperimentNamed(id: string, name: string): Promise<ErrorInfo | null> {
  try {
    await renameExperiment(id, name);
    return null;
  } catch (e) {
    return errorInfoOf(e);
  } finally {
    await refreshExperiments();
  }
}

export async function duplicateExperimentById(id: string): Promise<void> {
  try {
    const copy = await duplicateExperiment(id);
    setOpen(copy.id);
  } catch (e) {
    reportError(e);
  }
  await refreshExperiments();
}

/**
 * Delete; the weights only it used are freed, and the library is refreshed. Returns how many
 * models were freed, or null when nothing was deleted (the error is reported).
 */
export async function deleteExperimentById(id: string, refreshLibrary: () => Promise<void>): Promise<number | null> {
  let freed: string[];
  try {
    freed = (await deleteExperiment(id)).freed;
  } catch (e) {
    reportError(e);
    await refreshExperiments();
    return null;
  }
  if (useExperiments.getState().openId === id) setOpen(undefined);
  const last = recallLastModel();
  if (last?.kind === 'library' && freed.includes(last.libraryId)) rememberLastModel(undefined);
  await Promise.all([refreshExperiments(), refreshLibrary()]);
  return freed.length;
}
