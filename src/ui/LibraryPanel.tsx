import { useState } from 'react';
import { StorageLine } from './StorageLine';
import { LibraryDeleteConfirm } from './LibraryDelete';
import { modelUsage } from '../library/reparent';
import { useExperiments } from '../store/experiment-actions';
import type { LibraryEntry } from '../library/db';
import type { VariantRecord } from '../share/records';
import { useStore, selectLibrary, selectCurrentModel } from '../store/store';
import { deleteLibraryModel, openModel } from '../store/actions';
import { formatBytes } from './format';

const selectRecords = (s: { libraryRecords: VariantRecord[] }) => s.libraryRecords;

interface Node {
  entry: LibraryEntry;
  record?: VariantRecord;
  children: Node[];
}

/** Entries as a tree: each variant under the library model it was made from (parent → child). */
export function variantTree(library: LibraryEntry[], records: VariantRecord[]): Node[] {
  const recordOf = new Map(records.map((r) => [r.id, r]));
  const nodes = new Map(library.map((entry) => [entry.id, { entry, record: recordOf.get(entry.id), children: [] as Node[] }]));
  const roots: Node[] = [];
  for (const node of nodes.values()) {
    const parentId = node.record?.parentId ?? (node.entry.parent?.ref.kind === 'library' ? node.entry.parent.ref.libraryId : null);
    const parent = parentId && parentId !== node.entry.id ? nodes.get(parentId) : undefined;
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  return roots;
}

/** Imported models and variants, kept in IndexedDB across reloads, as a tree of variants. */
export function LibraryPanel({ busy }: { busy: boolean }) {
  const library = useStore(selectLibrary);
  const records = useStore(selectRecords);
  const libraryError = useStore((s) => s.libraryError);
  const current = useStore(selectCurrentModel);
  const experiments = useExperiments((s) => s.list);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const total = library.reduce((sum, e) => sum + e.storedBytes, 0);
  // A model no experiment uses goes at once, as before; one an experiment uses asks first, naming them.
  const askDelete = (entry: LibraryEntry) => {
    const usage = modelUsage(entry.id, experiments);
    setNotice(null);
    if (usage.baseOf.length || usage.variantIn.length) setConfirming(entry.id);
    else void deleteLibraryModel(entry.id);
  };
  const renderNode = (node: Node, depth: number) => {
    const { entry, record } = node;
    const step = record?.report?.step ?? entry.parent?.step;
    const from = depth === 0 && (record?.parentName || entry.parent?.name);
    return (
      <li key={entry.id} data-testid="library-entry" data-depth={depth} aria-current={current?.libraryId === entry.id ? 'true' : undefined}>
        <div className="row">
          <div className="grow">
            <strong>{entry.name}</strong>
            <span className="muted">
              {' '}
              {entry.format === 'layers' ? 'Layers' : 'Graph'} · {formatBytes(entry.storedBytes)} · gzip {formatBytes(entry.gzipBytes)}
            </span>
            {step ? (
              <div className="muted small" data-testid="library-step">
                {from ? `from ${from}: ` : '← '}
                {step}
              </div>
            ) : null}
          </div>
          <button type="button" disabled={busy} onClick={() => void openModel({ kind: 'library', libraryId: entry.id })} aria-label={`Open ${entry.name}`}>
            Open
          </button>
          <button type="button" className="danger" onClick={() => askDelete(entry)} aria-label={`Delete ${entry.name}`}>
            Delete
          </button>
        </div>
        {confirming === entry.id ? (
          <LibraryDeleteConfirm entry={entry} records={records} done={(n) => {
            setConfirming(null);
            setNotice(n);
          }} />
        ) : null}
        {node.children.length && depth < 32 ? <ul className="library tree">{node.children.map((c) => renderNode(c, depth + 1))}</ul> : null}
      </li>
    );
  };
  return (
    <section className="card" aria-labelledby="library-title" data-testid="library">
      <h2 id="library-title">
        Library <span className="muted">({library.length}, {formatBytes(total)})</span>
      </h2>
      {libraryError ? (
        <p className="warning" role="status" data-code={libraryError.code}>
          {libraryError.message} {libraryError.hint}
        </p>
      ) : null}
      {notice ? <p className="muted" role="status" data-testid="library-notice">{notice}</p> : null}
      <StorageLine entries={library.length} />
      {library.length === 0 && !libraryError ? <p className="muted">Models you import and the variants you make are kept here, in this browser only.</p> : null}
      <ul className="library">{variantTree(library, records).map((n) => renderNode(n, 0))}</ul>
    </section>
  );
}
