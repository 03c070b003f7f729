import { useStore, selectLibrary, selectCurrentModel } from '../store/store';
import { deleteLibraryModel, openModel } from '../store/actions';
import { formatBytes } from './format';

/** Imported models, kept in IndexedDB across reloads. */
export function LibraryPanel({ busy }: { busy: boolean }) {
  const library = useStore(selectLibrary);
  const libraryError = useStore((s) => s.libraryError);
  const current = useStore(selectCurrentModel);
  const total = library.reduce((sum, e) => sum + e.storedBytes, 0);
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
      {library.length === 0 && !libraryError ? <p className="muted">Models you import are kept here, in this browser only.</p> : null}
      <ul className="library">
        {library.map((entry) => (
          <li key={entry.id} data-testid="library-entry" aria-current={current?.libraryId === entry.id ? 'true' : undefined}>
            <div className="grow">
              <strong>{entry.name}</strong>
              <span className="muted">
                {' '}
                {entry.format === 'layers' ? 'Layers' : 'Graph'} · {formatBytes(entry.storedBytes)} · gzip {formatBytes(entry.gzipBytes)}
              </span>
            </div>
            <button type="button" disabled={busy} onClick={() => void openModel({ kind: 'library', libraryId: entry.id })} aria-label={`Open ${entry.name}`}>
              Open
            </button>
            <button type="button" className="danger" onClick={() => void deleteLibraryModel(entry.id)} aria-label={`Delete ${entry.name}`}>
              Delete
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
