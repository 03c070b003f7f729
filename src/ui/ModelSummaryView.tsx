import type { ModelInfo } from '../worker/protocol';
import { formatBytes, formatCount, formatFlops, formatShape } from './format';

const MAX_ROWS = 500;

/** Inputs/outputs, the layer (or op) table and the totals of one model. */
export function ModelSummaryView({ model }: { model: ModelInfo }) {
  const s = model.summary;
  return (
    <div className="summary" data-testid="model-summary">
      <div className="totals">
        <Total label="Parameters" value={formatCount(s.params)} id="params" />
        <Total label="float32 bytes" value={formatBytes(s.float32Bytes)} id="float32" />
        <Total label="Stored bytes" value={`${formatBytes(s.storedBytes)} (${formatCount(s.storedBytes)} B)`} id="stored" />
        <Total label="gzip bytes" value={`${formatBytes(s.gzipBytes)} (${formatCount(s.gzipBytes)} B)`} id="gzip" />
        <Total label="FLOPs / inference (batch 1)" value={s.flops === null ? 'unknown' : `${formatFlops(s.flops)} (${formatCount(s.flops)})`} id="flops" />
        <Total label="Quantization" value={s.quantization.length ? s.quantization.join(', ') : 'none (float32)'} id="quantization" />
      </div>
      <p className="fingerprint">
        SHA-256 <code data-testid="summary-sha256">{s.sha256}</code>
      </p>
      {s.flopsUnknown ? (
        <p className="warning" data-testid="flops-unknown">
          {s.flopsUnknown}
        </p>
      ) : null}
      {s.flopsNotCounted.length > 0 ? (
        <p className="muted" data-testid="flops-not-counted">
          Not counted in FLOPs: {s.flopsNotCounted.join(', ')}
        </p>
      ) : null}
      <h3>Inputs and outputs</h3>
      <div className="table-scroll">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Role</th>
            <th scope="col">Name</th>
            <th scope="col">Shape</th>
            <th scope="col">dtype</th>
          </tr>
        </thead>
        <tbody>
          {[...s.inputs.map((t) => ['input', t] as const), ...s.outputs.map((t) => ['output', t] as const)].map(([role, t]) => (
            <tr key={role + t.name} data-testid={`io-${role}`}>
              <td>{role}</td>
              <td className="layer-name" title={t.name}>
                {t.name}
              </td>
              <td>{formatShape(t.shape)}</td>
              <td>{t.dtype}</td>
            </tr>
          ))}
        </tbody>
      </table>
      </div>
      <h3>{model.format === 'layers' ? 'Layers' : 'Ops'}</h3>
      <div className="table-scroll">
        <table className="table" data-testid="layer-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Type</th>
              <th scope="col">Output shape</th>
              <th scope="col" className="num">
                Parameters
              </th>
              <th scope="col">Weights</th>
              <th scope="col" className="num">
                FLOPs
              </th>
            </tr>
          </thead>
          <tbody>
            {s.layers.slice(0, MAX_ROWS).map((l) => (
              <tr key={l.name} data-testid="layer-row">
                <td className="layer-name" title={l.name}>
                  {l.name}
                </td>
                <td>{l.type}</td>
                <td>{l.outputShape.map(formatShape).join(' ')}</td>
                <td className="num">{formatCount(l.params)}</td>
                <td>{l.weightDtypes.join(', ')}</td>
                <td className="num">{l.flops === null ? '—' : formatCount(l.flops)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {s.layers.length > MAX_ROWS ? <p className="muted">…and {s.layers.length - MAX_ROWS} more.</p> : null}
      </div>
    </div>
  );
}

function Total({ label, value, id }: { label: string; value: string; id: string }) {
  return (
    <div className="total">
      <span className="total-label">{label}</span>
      <span className="total-value" data-testid={`total-${id}`}>
        {value}
      </span>
    </div>
  );
}
