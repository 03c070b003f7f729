import { useEffect, useRef, useState, type DragEvent } from 'react';
import { readCsvHeader } from '../engine/data/meta';
import { BonsaiError } from '../engine/errors';
import type { InputFile } from '../engine/model/types';
import { loadBuiltinDataset, loadCsvDataset, loadImageDataset } from '../store/data-actions';
import { reportError } from '../store/errors';
import { useStore, selectCurrentDataset } from '../store/store';
import { formatCount } from './format';
import { CsvLabelPicker } from './CsvLabelPicker';
import { readDataTransfer, readPickedFiles } from './read-drop';

const isCsv = (path: string) => /\.(csv|tsv)$/i.test(path);
/** The header is on the first line: this much text is plenty to read it without decoding a large file. */
const HEADER_BYTES = 64 * 1024;

/** The dataset every evaluation and training run uses: built-in MNIST, a CSV, or images the user picks (or drops on this card). */
export function DatasetCard({ busy }: { busy: boolean }) {
  const dataset = useStore(selectCurrentDataset);
  const hasModel = useStore((s) => !!s.currentModelId);
  const labeledRef = useRef<HTMLInputElement>(null);
  const unlabeledRef = useRef<HTMLInputElement>(null);
  const csvRef = useRef<HTMLInputElement>(null);
  const [csv, setCsv] = useState<{ file: InputFile; columns: string[] } | null>(null);
  useEffect(() => {
    labeledRef.current?.setAttribute('webkitdirectory', '');
  }, []);

  const pick = (files: FileList | null, labeled: boolean) => {
    if (!files || files.length === 0) return;
    void readPickedFiles(files)
      .then((read) => loadImageDataset(read, labeled))
      .catch((e: unknown) => reportError(e instanceof BonsaiError ? e.toInfo() : e, 'dataset'));
  };

  const fail = (e: unknown) => reportError(e instanceof BonsaiError ? e.toInfo() : e, 'dataset');
  /** A CSV asks for its label column first; anything else dropped here is images. */
  const take = (read: Promise<InputFile[]>, labeled: boolean) =>
    read
      .then((files) => {
        const table = files.find((f) => isCsv(f.path));
        if (!table) return files.length ? void loadImageDataset(files, labeled) : undefined;
        const text = new TextDecoder().decode(table.bytes.subarray(0, HEADER_BYTES));
        setCsv({ file: table, columns: readCsvHeader(text, table.path).columns });
      })
      .catch(fail);
  const onDrop = (e: DragEvent) => {
    // Dropped on the card, files are a dataset: keep them from the page-wide model import.
    e.preventDefault();
    e.stopPropagation();
    void take(readDataTransfer(e.dataTransfer), true);
  };

  const s = dataset?.summary;
  return (
    <section className="card" aria-labelledby="dataset-title" data-testid="dataset-card" onDragOver={(e) => e.preventDefault()} onDrop={onDrop}>
      <h2 id="dataset-title">Dataset</h2>
      {s ? (
        <dl className="facts">
          <dt>Name</dt>
          <dd data-testid="dataset-name">{s.name}</dd>
          <dt>Examples</dt>
          <dd data-testid="dataset-counts">
            {formatCount(s.trainCount)} train / {formatCount(s.testCount)} test
          </dd>
          <dt>Shape</dt>
          <dd>[{s.inputShape.join(' × ')}]</dd>
          {s.columns ? (
            <>
              <dt>Features</dt>
              <dd data-testid="dataset-features" title="Standardised with the train split's mean and std">
                {s.columns.features.length} ({s.columns.features.join(', ')}), label “{s.columns.label}”
              </dd>
            </>
          ) : null}
          <dt>Labels</dt>
          <dd data-testid="dataset-labels">
            {s.labeled ? `${s.numClasses} classes${s.classNames.length <= 12 ? ` (${s.classNames.join(', ')})` : ''}` : 'none (fidelity only)'}
          </dd>
        </dl>
      ) : (
        <p className="muted">No dataset loaded.</p>
      )}
      {dataset?.warnings.map((w) => (
        <p key={w.code + w.message} className="warning" role="status" data-code={w.code}>
          ⚠ {w.message}
        </p>
      ))}
      <div className="row wrap-row">
        <button type="button" disabled={busy || s?.kind === 'mnist'} onClick={() => void loadBuiltinDataset()}>
          MNIST digits
        </button>
        <button type="button" disabled={busy || !hasModel} onClick={() => labeledRef.current?.click()} title="One sub-folder per class">
          Labeled folder…
        </button>
        <button type="button" disabled={busy || !hasModel} onClick={() => unlabeledRef.current?.click()}>
          Unlabeled images…
        </button>
        <button type="button" disabled={busy} onClick={() => csvRef.current?.click()} title="Header row, numeric features, one label column">
          CSV…
        </button>
      </div>
      {csv ? (
        <CsvLabelPicker
          key={csv.file.path}
          file={csv.file}
          columns={csv.columns}
          busy={busy}
          onCancel={() => setCsv(null)}
          onLoad={(labelColumn) => {
            setCsv(null);
            void loadCsvDataset(csv.file, labelColumn);
          }}
        />
      ) : null}
      <input
        ref={csvRef}
        type="file"
        hidden
        accept=".csv,.tsv,text/csv"
        data-testid="csv-input"
        onChange={(e) => {
          if (e.target.files?.length) void take(readPickedFiles(e.target.files), true);
          e.target.value = '';
        }}
      />
      <input ref={labeledRef} type="file" multiple hidden data-testid="labeled-images-input" onChange={(e) => { pick(e.target.files, true); e.target.value = ''; }} />
      <input
        ref={unlabeledRef}
        type="file"
        multiple
        hidden
        accept="image/*,.zip"
        data-testid="unlabeled-images-input"
        onChange={(e) => {
          pick(e.target.files, false);
          e.target.value = '';
        }}
      />
    </section>
  );
}
