import { useMemo, useState } from 'react';
import type { ShareLink } from '../share/link';
import { openModel } from '../store/actions';
import { benchmarkMyDevice, sameBase } from '../store/benchmark-link-actions';
import { reproduce, reproduceWithBaseFiles } from '../store/reproduce-actions';
import { readPickedFiles } from './read-drop';
import { reportError } from '../store/errors';
import { selectCurrentModel, useStore } from '../store/store';
import type { BenchmarkResult } from '../worker/protocol';
import { closeSharedLink, useShare, type Reproduced } from '../store/share-actions';
import { accuracyTick, ParetoScatter, type ScatterPoint } from './charts/ParetoScatter';
import { formatBytes, formatCount, formatMs } from './format';

const pct = (x: number | null) => (x === null ? 'unknown' : `${(100 * x).toFixed(2)}%`);

function baseText(l: ShareLink): string {
  if (l.base.kind === 'sample') return `the built-in sample ${l.base.id}`;
  if (l.base.kind === 'url') return `a model at ${l.base.url}`;
  return `a file${l.base.name ? ` “${l.base.name}”` : ''} of ${formatBytes(l.base.bytes)} (SHA-256 ${l.base.sha256.slice(0, 12)}…)`;
}

function latencyText(m: ShareLink['metrics']): string {
  return m.latency.length ? m.latency.map((l) => `${formatMs(l.ms)} (${l.backend}, batch ${l.batch})`).join(', ') : 'not measured';
}

/**
 * The author's experiment, shown from the link alone before any model loads: base, dataset, the
 * author's device, every variant with its steps and numbers, and accuracy against size with the
 * Pareto front. All text from the link is rendered as text. Opening a URL base asks first, naming
 * the host; a file base is asked for by its SHA-256.
 */
export function SharedExperiment() {
  const link = useShare((s) => s.shared);
  const rep = useShare((s) => s.reproduce);
  const benchJob = useStore((s) => s.jobs.benchmark);
  const mine = useStore((s) => {
    const m = selectCurrentModel(s);
    return m && link && sameBase(link, m) ? s.benchmarks[m.id] : undefined;
  });
  const [confirmUrl, setConfirmUrl] = useState(false);
  const [askFile, setAskFile] = useState(false);
  const fileBaseOpen = useStore((s) => !!link && link.base.kind === 'file' && selectCurrentModel(s)?.summary.sha256 === link.base.sha256);
  const points = useMemo((): ScatterPoint[] => {
    if (!link) return [];
    const all = [{ name: link.name, m: link.metrics, key: 'base', kind: 'reference' as const }, ...link.variants.map((v, i) => ({ name: v.name, m: v.metrics, key: `v${i}`, kind: 'candidate' as const }))];
    return all.filter((p) => p.m.accuracy !== null && p.m.gzip !== null).map((p) => ({ key: p.key, x: p.m.gzip! / 1024, y: p.m.accuracy!, kind: p.kind, label: `${p.name}: ${pct(p.m.accuracy)}, ${formatBytes(p.m.gzip!)} gzip` }));
  }, [link]);
  if (!link) return null;
  const host = link.base.kind === 'url' ? new URL(link.base.url).host : null;
  return (
    <section className="card shared" aria-labelledby="shared-title" data-testid="shared-experiment">
      <h2 id="shared-title">Shared experiment: {link.name}</h2>
      <p>
        Base: {baseText(link)}. Dataset: {link.dataset ?? 'none stated'}.{link.seed !== null ? ` Seed ${link.seed}.` : ''} {link.variants.length} variant{link.variants.length === 1 ? '' : 's'}.
      </p>
      <p className="muted" data-testid="shared-device">
        Measured on the author's device: {link.device ? `${link.device.backend}${link.device.simd !== undefined ? `, SIMD ${link.device.simd ? 'on' : 'off'}` : ''}${link.device.threads !== undefined ? `, ${link.device.threads} thread(s)` : ''} — ${link.device.agent}` : 'not stated'}.
      </p>
      <ParetoScatter points={points} xLabel="gzip size (KB)" yLabel="test accuracy" formatY={accuracyTick} yMax={1} testId="shared-scatter" />
      <table className="search-table" data-testid="shared-table">
        <thead>
          <tr><th>Variant</th><th>Made by</th><th>Params (non-zero)</th><th>gzip</th><th>Accuracy</th><th>Latency (author)</th></tr>
        </thead>
        <tbody>
          <tr data-testid="shared-row">
            <td>{link.name} (base)</td><td>—</td><td>{formatCount(link.metrics.params)}</td><td>{link.metrics.gzip === null ? 'unknown' : formatBytes(link.metrics.gzip)}</td><td>{pct(link.metrics.accuracy)}</td><td>{latencyText(link.metrics)}</td>
          </tr>
          {link.variants.map((v, i) => (
            <tr key={i} data-testid="shared-row">
              <td>{v.name}</td>
              <td className="arch" title={v.step}>{v.parent >= 0 ? `from ${link.variants[v.parent]?.name ?? '?'}: ` : ''}{v.step}</td>
              <td>{formatCount(v.metrics.params)}{v.metrics.nonZero !== null && v.metrics.nonZero !== v.metrics.params ? ` (${formatCount(v.metrics.nonZero)})` : ''}</td>
              <td>{v.metrics.gzip === null ? 'unknown' : formatBytes(v.metrics.gzip)}</td>
              <td>{pct(v.metrics.accuracy)}</td>
              <td>{latencyText(v.metrics)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="row">
        {link.base.kind === 'sample' ? (
          <button type="button" onClick={() => void openModel({ kind: 'sample', sampleId: (link.base as { id: string }).id })}>Open {link.base.id} here</button>
        ) : link.base.kind === 'url' ? (
          confirmUrl ? (
            <>
              <span role="alert">This loads a model from <strong>{host}</strong>. Continue?</span>
              <button type="button" onClick={() => void openModel({ kind: 'url', url: (link.base as { url: string }).url })}>Load from {host}</button>
              <button type="button" onClick={() => setConfirmUrl(false)}>Don't load</button>
            </>
          ) : (
            <button type="button" onClick={() => setConfirmUrl(true)}>Open the base model…</button>
          )
        ) : (
          <span className="muted">{fileBaseOpen ? 'The base file is open here (same SHA-256 as the link’s).' : 'The base is a file of the author’s: Reproduce asks for it and checks its SHA-256 against the link’s.'}</span>
        )}
        {link.variants.length && (link.base.kind !== 'url' || confirmUrl) ? (
          <button type="button" className="primary" disabled={rep.running} onClick={() => (link.base.kind === 'file' && !fileBaseOpen ? setAskFile(true) : void reproduce(link))} data-testid="reproduce">
            {rep.running ? 'Reproducing…' : 'Reproduce on my device'}
          </button>
        ) : null}
        {!link.variants.length && link.metrics.latency.length && (link.base.kind !== 'url' || confirmUrl) ? (
          <button type="button" className="primary" disabled={!!benchJob} onClick={() => void benchmarkMyDevice(link)} data-testid="benchmark-my-device">
            Benchmark my device
          </button>
        ) : null}
        <button type="button" onClick={closeSharedLink}>Close</button>
      </div>
      {askFile && link.base.kind === 'file' && !fileBaseOpen && !rep.running ? <BaseFilePicker link={link} base={link.base} /> : null}
      {!link.variants.length && mine ? <DeviceVsAuthor link={link} mine={mine} /> : null}
      {rep.failed ? <p className="warning" role="status">Variant {rep.failed.index + 1} ({link.variants[rep.failed.index]?.name}) was not reproduced: {rep.failed.reason}</p> : null}
      {Object.keys(rep.yours).length ? <TheirsVsYours link={link} yours={rep.yours} /> : null}
    </section>
  );
}

function latencyLine(theirs: ShareLink['metrics']['latency'], yours: Reproduced['latency']): string {
  const pairs = yours.flatMap((y) => {
    const t = theirs.find((x) => x.backend === y.backend && x.batch === y.batch);
    return t ? [{ ...y, ratio: y.ms / t.ms }] : [];
  });
  if (!pairs.length) return yours.length ? `${yours.map((y) => `${formatMs(y.ms)} (${y.backend}, batch ${y.batch})`).join(', ')}; the author did not time this backend and batch` : 'not timed';
  return pairs.map((p) => `${formatMs(p.ms)} here vs ${formatMs(p.ms / p.ratio)} — ${p.ratio >= 1 ? `${p.ratio.toFixed(2)}× slower` : `${(1 / p.ratio).toFixed(2)}× faster`} on your device (${p.backend}, batch ${p.batch})`).join('; ');
}

/** What this device made and measured beside the author's: sizes and accuracy should match; latency should not. */
function TheirsVsYours({ link, yours }: { link: ShareLink; yours: Record<number, Reproduced> }) {
  return (
    <table className="search-table" data-testid="theirs-vs-yours">
      <caption>Theirs vs yours</caption>
      <thead>
        <tr><th>Variant</th><th>Weights</th><th>gzip (theirs → yours)</th><th>Accuracy (theirs → yours)</th><th>Latency</th></tr>
      </thead>
      <tbody>
        {link.variants.map((v, i) => {
          const y = yours[i];
          if (!y) return null;
          const same = y.sha256.startsWith(v.sha);
          const accDiff = v.metrics.accuracy !== null && y.after.accuracy !== null ? 100 * (y.after.accuracy - v.metrics.accuracy) : null;
          return (
            <tr key={i} data-testid="reproduced-row">
              <td>{v.name}</td>
              <td data-testid="reproduced-sha">{same ? 'byte-identical (same SHA-256)' : `differ (theirs ${v.sha}…, yours ${y.sha256.slice(0, 16)}…): training on another backend or thread count rounds differently`}</td>
              <td>{v.metrics.gzip === null ? 'unknown' : formatBytes(v.metrics.gzip)} → {formatBytes(y.after.gzipBytes)}</td>
              <td>{pct(v.metrics.accuracy)} → {pct(y.after.accuracy)}{accDiff !== null && Math.abs(accDiff) >= 0.005 ? ` (${accDiff > 0 ? '+' : '−'}${Math.abs(accDiff).toFixed(2)} pt${same ? '' : ': the weights differ'})` : accDiff !== null ? ' (same)' : ''}</td>
              <td>{latencyLine(v.metrics.latency, y.latency)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** The shared model's latency here against the author's, per backend and batch both measured. */
function DeviceVsAuthor({ link, mine }: { link: ShareLink; mine: BenchmarkResult }) {
  const rows = link.metrics.latency.flatMap((t) => {
    const y = mine.runs.find((r) => r.backend === t.backend && r.batchSize === t.batch);
    return y ? [{ ...t, yours: y.medianMs }] : [];
  });
  if (!rows.length) return <p className="muted">This device did not time any backend and batch the author timed.</p>;
  return (
    <table className="search-table" data-testid="device-vs-author">
      <caption>Your device vs the author's: {link.name}</caption>
      <thead>
        <tr><th>Backend · batch</th><th>Author</th><th>You</th><th>Compared</th></tr>
      </thead>
      <tbody>
        {rows.map((r) => {
          const ratio = r.yours / r.ms;
          return (
            <tr key={`${r.backend}-${r.batch}`} data-testid="device-vs-author-row">
              <td>{r.backend} · batch {r.batch}</td>
              <td>{formatMs(r.ms)}</td>
              <td>{formatMs(r.yours)}</td>
              <td>{ratio >= 1 ? `runs ${ratio.toFixed(2)}× slower on your device` : `runs ${(1 / ratio).toFixed(2)}× faster on your device`}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** Ask for the author's dropped base file, showing what is expected; its SHA-256 is checked before anything replays. */
function BaseFilePicker({ link, base }: { link: ShareLink; base: Extract<ShareLink['base'], { kind: 'file' }> }) {
  return (
    <div className="field" data-testid="base-file-ask">
      <label htmlFor="base-file-input">
        Pick the base model the author dropped — expected <strong>{base.name ?? link.name}</strong>, {formatBytes(base.bytes)} stored, SHA-256 <code>{base.sha256.slice(0, 16)}…</code>: its model.json with its .bin files, or a .zip.
      </label>
      <input
        id="base-file-input"
        type="file"
        multiple
        data-testid="base-file-input"
        accept=".json,.bin,.zip,application/json,application/zip,application/octet-stream"
        onChange={(e) => {
          const files = e.target.files;
          if (files?.length) void readPickedFiles(files).then((read) => reproduceWithBaseFiles(link, read)).catch((err: unknown) => reportError(err));
          e.target.value = '';
        }}
      />
    </div>
  );
}
