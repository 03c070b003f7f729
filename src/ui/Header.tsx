import { useStore, selectDevice } from '../store/store';
import { restartEngine, setBackend } from '../store/actions';
import type { BackendChoice } from '../worker/protocol';
import { DeviceProfileView, backendBadge } from './DeviceProfileView';

export function Header() {
  const device = useStore(selectDevice);
  const status = useStore((s) => s.engineStatus);
  const choice = useStore((s) => s.backendChoice);
  return (
    <header className="header">
      <h1>
        <img src="/favicon.svg" alt="" width="22" height="22" className="logo" /> Bonsai
      </h1>
      <span className="tagline muted">Model optimization in your browser — nothing is uploaded.</span>
      <div className="grow" />
      <label className="field inline">
        <span>Backend</span>
        <select value={choice} onChange={(e) => setBackend(e.target.value as BackendChoice)} aria-label="Backend">
          <option value="auto">Auto (WebGPU → WASM → CPU)</option>
          <option value="webgpu">WebGPU</option>
          <option value="wasm">WASM</option>
          <option value="cpu">CPU</option>
        </select>
      </label>
      <details className="badge-details">
        <summary className="badge" data-testid="backend-badge" data-status={status}>
          {status === 'ready' ? backendBadge(device) : status === 'restarting' ? 'Restarting engine…' : 'Starting engine…'}
        </summary>
        <div className="popover">
          {device ? <DeviceProfileView profile={device} /> : <p>Starting…</p>}
          <button
            type="button"
            onClick={(e) => {
              e.currentTarget.closest('details')?.removeAttribute('open');
              restartEngine();
            }}
            title="Stops running jobs and starts a fresh engine; the open model and dataset are reopened, saved work is untouched.">
            Restart engine
          </button>
        </div>
      </details>
    </header>
  );
}
