import { useShallow } from 'zustand/react/shallow';
import type { LibraryEntry } from '../library/db';
import { modelUsage } from '../library/reparent';
import type { VariantRecord } from '../share/records';
import { deleteLibraryModel } from '../store/actions';
import { useExperiments } from '../store/experiment-actions';

const quoted = (names: string[]) => names.map((n) => `“${n}”`).join(', ');

/**
 * What deleting a model the experiments use does, asked before it happens: it leaves the
 * experiments named here and its variants move up to its parent; an experiment's base is refused.
 */
export function LibraryDeleteConfirm({ entry, records, done }: { entry: LibraryEntry; records: VariantRecord[]; done: (notice: string | null) => void }) {
  const list = useExperiments(useShallow((s) => s.list));
  const usage = modelUsage(entry.id, list);
  if (usage.baseOf.length) {
    return (
      <div className="row wrap-row" role="group" aria-label={`Confirm deleting ${entry.name}`} data-testid="library-delete-confirm">
        <span>“{entry.name}” is the base of the experiment{usage.baseOf.length > 1 ? 's' : ''} {quoted(usage.baseOf.map((e) => e.name))}, so it is kept: an experiment cannot lose its base. Delete {usage.baseOf.length > 1 ? 'those experiments' : 'that experiment'} first (Experiments panel).</span>
        <button type="button" autoFocus onClick={() => done(null)}>Keep</button>
      </div>
    );
  }
  const record = records.find((r) => r.id === entry.id);
  const children = record ? records.filter((r) => r.parentId === entry.id && r.id !== entry.id).length : 0;
  return (
    <div className="row wrap-row" role="group" aria-label={`Confirm deleting ${entry.name}`} data-testid="library-delete-confirm">
      <span>
        Delete “{entry.name}”? It is removed from the experiment{usage.variantIn.length > 1 ? 's' : ''} {quoted(usage.variantIn.map((e) => e.name))}.
        {children ? ` Its ${children} variant(s) move up to “${record?.parentName || 'its parent'}”, with its steps before theirs.` : ''}
      </span>
      <button
        type="button"
        className="danger"
        onClick={() => void deleteLibraryModel(entry.id).then((d) => done(d && `Deleted “${entry.name}”; removed from ${quoted(d.experiments)}${d.reparented.length ? `; ${d.reparented.length} variant(s) moved up to its parent` : ''}.`))}
      >
        Delete model
      </button>
      {/* Focus lands on the safe choice: Enter on a destructive default would delete at once. */}
      <button type="button" autoFocus onClick={() => done(null)}>Keep</button>
    </div>
  );
}
