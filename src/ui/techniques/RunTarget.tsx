import { openModel } from '../../store/actions';
import { useStore, selectCurrentDataset, selectCurrentModel, selectImportJob } from '../../store/store';

/**
 * Which model the next run applies to, said before Run. After a run the open model is the
 * variant, so a second run would silently build on it; this names it, and offers one click back
 * to the model it was made from.
 */
export function RunTarget({ busy }: { busy: boolean }) {
  const model = useStore(selectCurrentModel);
  const dataset = useStore(selectCurrentDataset);
  const importing = !!useStore(selectImportJob);
  const parent = model?.parent;
  return (
    <div className="run-target" role="group" aria-labelledby="run-target-text" data-testid="run-target">
      <p id="run-target-text">
        Run on: <strong data-testid="run-target-model">{model?.name ?? 'no model'}</strong>
        <span className="muted"> with {dataset ? dataset.summary.name : 'no dataset'}</span>
        {parent ? <span className="muted"> (made from {parent.name}; the result becomes the open model)</span> : null}
      </p>
      {parent ? (
        <button type="button" disabled={busy || importing} onClick={() => void openModel(parent.ref)} data-testid="back-to-parent">
          ↩ Back to {parent.name}
        </button>
      ) : null}
    </div>
  );
}
