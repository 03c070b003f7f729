import { useState } from 'react';
import { useStore, selectCurrentModel, selectCurrentEvaluation } from '../store/store';
import { openModel } from '../store/actions';
import { exportCurrent } from '../store/optimize-actions';
import { formatBytes, formatCount, formatFlops } from './format';
import { useSamples } from './useSamples';

/** The current model at a glance, and the sample picker. */
export function ModelCard({ busy }: { busy: boolean }) {
  const model = useStore(selectCurrentModel);
  const evaluation = useStore(selectCurrentEvaluation);
  const samples = useSamples();
  const [compact, setCompact] = useState(true);
  const currentSample = model?.source.kind === 'sample' ? model.name : '';
  return (
    <section className="card" aria-labelledby="model-title" data-testid="model-card">
      <h2 id="model-title">Model</h2>
      <label className="field">
        <span>Built-in sample</span>
        <select
          value={currentSample}
          disabled={busy}
          onChange={(e) => e.target.value && void openModel({ kind: 'sample', sampleId: e.target.value })}
        >
          <option value="">— choose —</option>
          {samples.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
              {s.testAccuracy ? ` (${(s.testAccuracy * 100).toFixed(1)}%)` : ''}
            </option>
          ))}
        </select>
      </label>
      {model ? (
        <dl className="facts">
          <dt>Name</dt>
          <dd data-testid="model-name">{model.name}</dd>
          <dt>Format</dt>
          <dd data-testid="model-format">{model.format === 'layers' ? 'LayersModel' : 'GraphModel (inference only)'}</dd>
          <dt>Parameters</dt>
          <dd data-testid="model-params">{formatCount(model.summary.params)}</dd>
          <dt>Stored</dt>
          <dd data-testid="model-stored">{formatBytes(model.summary.storedBytes)}</dd>
          <dt>Download (gzip)</dt>
          <dd data-testid="model-gzip">{formatBytes(model.summary.gzipBytes)}</dd>
          <dt>FLOPs</dt>
          <dd data-testid="model-flops" title={model.summary.flopsUnknown}>
            {model.summary.flops === null ? <span className="muted">unknown (see Summary)</span> : formatFlops(model.summary.flops)}
          </dd>
          {evaluation?.accuracy ? (
            <>
              <dt>Accuracy</dt>
              <dd data-testid="model-accuracy">
                {(evaluation.accuracy.accuracy * 100).toFixed(2)}% <span className="muted">({evaluation.datasetName})</span>
              </dd>
            </>
          ) : null}
          {evaluation?.fidelity ? (
            <>
              <dt>Fidelity</dt>
              <dd>
                {(evaluation.fidelity.agreement * 100).toFixed(2)}% <span className="muted">vs {evaluation.fidelity.referenceName}</span>
              </dd>
            </>
          ) : null}
          {model.parent ? (
            <>
              <dt>Made from</dt>
              <dd>{model.parent.name}</dd>
            </>
          ) : null}
          <dt>Source</dt>
          <dd className="wrap" data-testid="model-source">{model.source.label}</dd>
        </dl>
      ) : (
        <p className="muted">No model open. Pick a sample or drop a TF.js model.</p>
      )}
      {model ? (
        <>
          <div className="row">
            <button type="button" disabled={busy} onClick={() => void exportCurrent({ compact })} title="model.json + weight shards, loadable with stock tf.loadLayersModel / tf.loadGraphModel">
              Export .zip
            </button>
          </div>
          <label className="check" title="Leave out of model.json every field stock TF.js fills in with the same value by itself: the same model, fewer bytes. Off: model.json exactly as stored.">
            <input type="checkbox" checked={compact} onChange={(e) => setCompact(e.target.checked)} /> Compact model.json
          </label>
        </>
      ) : null}
      {model?.warnings.map((w) => (
        <p key={w.code + w.message} className="warning" role="status" data-code={w.code}>
          ⚠ {w.message}
        </p>
      ))}
    </section>
  );
}
