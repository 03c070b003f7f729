import { useEffect, useState, type KeyboardEvent, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ErrorInfo } from '../engine/errors';
import { unsharedVariants, type ExperimentRecord } from '../library/experiment-record';
import type { VariantRecord } from '../share/records';
import { openModel, refreshLibrary } from '../store/actions';
import { deleteExperimentById, duplicateExperimentById, openExperiment, renameExperimentNamed, useExperiments, type ExperimentsState } from '../store/experiment-actions';
import { selectCurrentModel, useStore, type AppState } from '../store/store';
import { formatBytes } from './format';

const selectRecords = (s: { libraryRecords: VariantRecord[] }) => s.libraryRecords;
const selectLibrary = (s: AppState) => s.library;
const selectPanel = (s: ExperimentsState) => ({ list: s.list, openId: s.openId, error: s.error, notice: s.notice });

/** The experiment's variants as a tree under its base: each edge labelled with the step that made the child. */
function VariantTree({ experiment, records, busy }: { experiment: ExperimentRecord; records: VariantRecord[]; busy: boolean }) {
  const current = useStore(selectCurrentModel)?.summary.sha256;
  const library = useStore(selectLibrary);
  const ids = new Set(experiment.variantIds);
  const mine = records.filter((r) => ids.has(r.id));
  // Counted against the Library itself: a variant whose record is unreadable is not deleted.
  const missing = experiment.variantIds.filter((id) => !library.some((m) => m.id === id)).length;
  const present = new Set(mine.map((r) => r.id));
  // A variant whose parent is not in the experiment (deleted from the Library) hangs under the base.
  const parentOf = (r: VariantRecord) => (r.parentId && present.has(r.parentId) && r.parentId !== r.id ? r.parentId : experiment.baseSha256);
  const children = (parent: string, depth: number): ReactNode => {
    const kids = mine.filter((r) => parentOf(r) === parent);
    if (!kids.length || depth > 32) return null;
    return (
      <ul className="library tree">
        {kids.map((r) => (
          <li key={r.id} data-testid="experiment-node" aria-current={current === r.id ? 'true' : undefined}>
            <span className="muted small">{r.report?.step ?? r.steps.map((s) => s.technique).join(' → ')} →</span>{' '}
            <button type="button" className="link" disabled={busy} onClick={() => void openModel({ kind: 'library', libraryId: r.id })}>{r.name}</button>
            {children(r.id, depth + 1)}
          </li>
        ))}
      </ul>
    );
  };
  return (
    <div data-testid="experiment-tree">
      <button type="button" className="link" disabled={busy} aria-current={current === experiment.baseSha256 ? 'true' : undefined} onClick={() => void openModel(experiment.base)}>
        {experiment.baseName} (base)
      </button>
      {children(experiment.baseSha256, 0)}
      {missing > 0 ? <p className="muted small">{missing} variant(s) of this experiment were deleted from the Library.</p> : null}
    </div>
  );
}

function RenameForm({ experiment, done }: { experiment: ExperimentRecord; done: () => void }) {
  const [name, setName] = useState(experiment.name);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const save = async () => {
    const e = await renameExperimentNamed(experiment.id, name);
    if (e) setError(e);
    else done();
  };
  return (
    <form className="row wrap-row" onSubmit={(e) => { e.preventDefault(); void save(); }}>
      <input
        aria-label={`New name for ${experiment.name}`}
        value={name}
        autoFocus
        maxLength={400}
        onChange={(e) => setName(e.target.value)}
        onKeyDown={(e: KeyboardEvent) => { if (e.key === 'Escape') done(); }}
      />
      <button type="submit">Save name</button>
      <button type="button" onClick={done}>Cancel</button>
      {error ? <p className="warning" role="status" data-testid="experiment-error" data-code={error.code}>{error.message} {error.hint}</p> : null}
    </form>
  );
}

/** Named experiments: list, open (its base opens; Compare and the share link show its variants), rename, duplicate, delete. */
export function ExperimentsPanel({ busy }: { busy: boolean }) {
  const { list, openId, error, notice } = useExperiments(useShallow(selectPanel));
  const setNotice = (n: string | null) => useExperiments.setState({ notice: n ?? undefined });
  const records = useStore(selectRecords);
  const library = useStore(selectLibrary);
  const [renaming, setRenaming] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  // After a rename, focus returns to the row's Rename button (once it is back in the DOM), so keyboard users stay where they were.
  const [refocus, setRefocus] = useState<string | null>(null);
  useEffect(() => {
    if (!refocus) return;
    document.getElementById(`experiment-${refocus}`)?.querySelector<HTMLButtonElement>('[data-rename]')?.focus();
    setRefocus(null);
  }, [refocus]);
  const bytesOf = (e: ExperimentRecord) => library.filter((m) => e.variantIds.includes(m.id)).reduce((n, m) => n + m.storedBytes, 0);
  return (
    <section className="card" aria-labelledby="experiments-title" data-testid="experiments">
      <h2 id="experiments-title">
        Experiments <span className="muted">({list.length})</span>
      </h2>
      {error ? <p className="warning" role="status" data-code={error.code}>{error.message} {error.hint}</p> : null}
      {notice ? <p className="muted" role="status" data-testid="experiments-notice">{notice}</p> : null}
      {!list.length && !error ? <p className="muted">Run a technique on a model: its variants form an experiment named after the model.</p> : null}
      <ul className="library">
        {list.map((e) => {
          const open = e.id === openId;
          return (
            <li key={e.id} id={`experiment-${e.id}`} data-testid="experiment" aria-current={open ? 'true' : undefined}>
              {renaming === e.id ? (
                <RenameForm experiment={e} done={() => {
                  setRenaming(null);
                  setRefocus(e.id);
                }} />
              ) : (
                <>
                  <div className="wrap">
                    <strong data-testid="experiment-name">{e.name}</strong>
                    <div className="muted small">
                      on {e.baseName} · {e.variantIds.length} variant{e.variantIds.length === 1 ? '' : 's'} · {formatBytes(bytesOf(e))}
                      {e.dataset ? ` · ${e.dataset}` : ''}
                    </div>
                  </div>
                  {/* The sidebar is narrow: the actions wrap under the name, never past the card's edge. */}
                  <div className="row wrap-row">
                    <button type="button" disabled={busy} onClick={() => void openExperiment(e.id, openModel)} aria-label={`Open experiment ${e.name}`}>Open</button>
                    <button type="button" data-rename onClick={() => setRenaming(e.id)} aria-label={`Rename experiment ${e.name}`}>Rename</button>
                    <button type="button" onClick={() => void duplicateExperimentById(e.id)} aria-label={`Duplicate experiment ${e.name}`}>Duplicate</button>
                    <button type="button" className="danger" onClick={() => setConfirming(e.id)} aria-label={`Delete experiment ${e.name}`}>Delete</button>
                  </div>
                </>
              )}
              {confirming === e.id ? (
                <div className="row wrap-row" role="group" aria-label={`Confirm deleting ${e.name}`}>
                  <span>Delete “{e.name}”? {unsharedVariants(e, list.filter((x) => x.id !== e.id)).length} model(s) only it uses are freed; the base model and shared variants stay.</span>
                  <button
                    type="button"
                    className="danger"
                    onClick={() => {
                      setConfirming(null);
                      void deleteExperimentById(e.id, refreshLibrary).then((n) => setNotice(n === null ? null : `Deleted “${e.name}”; freed ${n} model(s).`));
                    }}
                  >
                    Delete experiment
                  </button>
                  {/* Focus lands on the safe choice: Enter on a destructive default would delete at once. */}
                  <button type="button" autoFocus onClick={() => setConfirming(null)}>Keep</button>
                </div>
              ) : null}
              {open ? <VariantTree experiment={e} records={records} busy={busy} /> : null}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
