import { useEffect, useRef, useState, type FormEvent } from 'react';
import { BonsaiError } from '../engine/errors';
import { importFiles, importUrl, showReadingFiles } from '../store/actions';
import { reportError } from '../store/errors';
import { readDataTransfer, readPickedFiles } from './read-drop';

async function importFrom(read: Promise<Awaited<ReturnType<typeof readPickedFiles>>>, via: 'picked' | 'dropped'): Promise<void> {
  const reading = showReadingFiles(via);
  try {
    const files = await read;
    reading.end();
    if (files.length > 0 && !reading.cancelled()) await importFiles(files, via);
  } catch (e) {
    reading.end();
    if (e instanceof BonsaiError) reportError(e.toInfo(), 'import');
    else reportError({ code: 'INTERNAL', message: `The ${via} files could not be read: ${String(e)}`, hint: 'Try picking the files with the Open button.' }, 'import');
  }
}

/** Dropping files anywhere on the page imports them; the panel offers pickers and a URL field. */
export function useWindowDrop(): boolean {
  const [over, setOver] = useState(false);
  useEffect(() => {
    let depth = 0;
    const onEnter = (e: DragEvent) => {
      if (!e.dataTransfer?.types.includes('Files')) return;
      depth++;
      setOver(true);
    };
    const onLeave = () => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) setOver(false);
    };
    const onOver = (e: DragEvent) => e.preventDefault();
    const onDrop = (e: DragEvent) => {
      e.preventDefault();
      depth = 0;
      setOver(false);
      if (e.dataTransfer) void importFrom(readDataTransfer(e.dataTransfer), 'dropped');
    };
    window.addEventListener('dragenter', onEnter);
    window.addEventListener('dragleave', onLeave);
    window.addEventListener('dragover', onOver);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragenter', onEnter);
      window.removeEventListener('dragleave', onLeave);
      window.removeEventListener('dragover', onOver);
      window.removeEventListener('drop', onDrop);
    };
  }, []);
  return over;
}

/** The import card: a visible drop area (highlighted while files are dragged over the page), pickers and a URL field. */
export function ImportPanel({ busy, dragging }: { busy: boolean; dragging: boolean }) {
  const filesRef = useRef<HTMLInputElement>(null);
  const folderRef = useRef<HTMLInputElement>(null);
  const [url, setUrl] = useState('');

  useEffect(() => {
    folderRef.current?.setAttribute('webkitdirectory', '');
  }, []);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (url.trim()) void importUrl(url);
  };

  return (
    <section className="card" aria-labelledby="import-title">
      <h2 id="import-title">Import a model</h2>
      <div
        className={`drop-target${dragging ? ' drag-over' : ''}`}
        data-testid="drop-target"
        data-active={dragging}
        role="group"
        aria-labelledby="drop-target-text"
      >
        <p id="drop-target-text">
          {dragging ? (
            <strong>Release to open these files</strong>
          ) : (
            <>
              Drop <code>model.json</code> with its <code>.bin</code> files, a folder, or a <code>.zip</code> here (or
              anywhere on the page)
            </>
          )}
        </p>
        <div className="row">
          <button type="button" disabled={busy} onClick={() => filesRef.current?.click()}>
            Open files…
          </button>
          <button type="button" disabled={busy} onClick={() => folderRef.current?.click()}>
            Open folder…
          </button>
        </div>
      </div>
      <p className="muted">Nothing is uploaded: the model stays on this device.</p>
      <input
        ref={filesRef}
        type="file"
        multiple
        hidden
        data-testid="file-input"
        accept=".json,.bin,.zip,application/json,application/zip,application/octet-stream"
        onChange={(e) => {
          if (e.target.files) void importFrom(readPickedFiles(e.target.files), 'picked');
          e.target.value = '';
        }}
      />
      <input
        ref={folderRef}
        type="file"
        multiple
        hidden
        data-testid="folder-input"
        onChange={(e) => {
          if (e.target.files) void importFrom(readPickedFiles(e.target.files), 'picked');
          e.target.value = '';
        }}
      />
      <form className="row" onSubmit={onSubmit}>
        <label className="grow">
          <span className="visually-hidden">URL of a hosted model.json</span>
          <input
            type="url"
            placeholder="https://…/model.json"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            aria-label="URL of a hosted model.json"
          />
        </label>
        <button type="submit" disabled={busy || !url.trim()}>
          Load URL
        </button>
      </form>
    </section>
  );
}
