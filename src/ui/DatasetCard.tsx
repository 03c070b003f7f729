import { useEffect, useRef } from 'react';
import { BonsaiError } from '../engine/errors';
import { loadBuiltinDataset, loadImageDataset } from '../store/data-actions';
import { reportError } from '../store/errors';
import { useStore, selectCurrentDataset } from '../store/store';
import { formatCount } from './format';
import { readPickedFiles } from './read-drop';

/** The dataset every evaluation and training run uses: built-in MNIST, or images the user picks. */
export function DatasetCard({ busy }: { busy: boolean }) {
  const dataset = useStore(selectCurrentDataset);
  const hasModel = useStore((s) => !!s.currentModelId);
  const labeledRef = useRef<HTMLInputElement>(null);
  const unlabeledRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    labeledRef.current?.setAttribute('webkitdirectory', '');
  }, []);

  const pick = (files: FileList | null, labeled: boolean) => {
    if (!files || files.length === 0) return;
    void readPickedFiles(files)
      .then((read) => loadImageDataset(read, labeled))
      .catch((e: unknown) => reportError(e instanceof BonsaiError ? e.toInfo() : e, 'dataset'));
  };

  const s = dataset?.summary;
  return (
    <section className="card" aria-labelledby="dataset-title" data-testid="dataset-card">
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
      </div>
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
