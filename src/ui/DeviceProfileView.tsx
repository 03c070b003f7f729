import type { DeviceProfile } from '../backend/types';

/** Every latency carries the device it was measured on: this is that device, in words. */
export function DeviceProfileView({ profile }: { profile: DeviceProfile }) {
  const a = profile.webgpu.adapter;
  return (
    <dl className="facts small" data-testid="device-profile">
      <dt>Backend (really running)</dt>
      <dd data-testid="profile-backend">{profile.backend}</dd>
      <dt>WebGPU</dt>
      <dd data-testid="profile-webgpu">
        {profile.webgpu.available && a
          ? `${a.vendor || 'unknown vendor'} ${a.architecture} ${a.device} ${a.description}`.trim() + (a.isFallbackAdapter ? ' (fallback adapter: CPU emulation)' : '')
          : `not available${profile.webgpu.reason ? ` (${profile.webgpu.reason})` : ''}`}
      </dd>
      <dt>WASM</dt>
      <dd data-testid="profile-wasm">
        SIMD {profile.wasm.simd ? 'yes' : 'no'} · threads {profile.wasm.threads ? 'yes' : 'no'} · {profile.wasm.threadCount} thread
        {profile.wasm.threadCount === 1 ? '' : 's'}
        {profile.wasm.binary ? ` · ${profile.wasm.binary}` : ''}
        {!profile.crossOriginIsolated && (
          <span style={{ display: 'block' }} data-testid="profile-threads-note">
            One thread: this page is not cross-origin isolated (its host sends no COOP/COEP headers), so WASM cannot use threads.
          </span>
        )}
      </dd>
      <dt>crossOriginIsolated</dt>
      <dd data-testid="profile-coi">{String(profile.crossOriginIsolated)}</dd>
      <dt>hardwareConcurrency</dt>
      <dd>{profile.hardwareConcurrency}</dd>
      <dt>User agent</dt>
      <dd className="wrap">{profile.userAgent}</dd>
    </dl>
  );
}

export function backendBadge(p: DeviceProfile | undefined): string {
  if (!p) return 'Starting engine…';
  switch (p.backend) {
    case 'wasm':
      return `WASM · ${p.wasm.simd ? 'SIMD' : 'no SIMD'} · ${p.wasm.threadCount} thread${p.wasm.threadCount === 1 ? '' : 's'}`;
    case 'webgpu':
      return `WebGPU${p.webgpu.adapter?.isFallbackAdapter ? ' · fallback adapter' : ''}`;
    case 'cpu':
      return 'CPU (plain JS)';
    case 'webgl':
      return 'WebGL';
  }
}
