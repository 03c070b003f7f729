import { useMemo, useState } from 'react';
import { lineageOf } from '../share/experiment';
import { scopeRecords, selectOpenExperiment, useExperiments } from '../store/experiment-actions';
import { openModel } from '../store/actions';
import { benchmarkSelected, useCompare } from '../store/compare-actions';
import { selectCurrentModel, selectJob, useStore } from '../store/store';
import type { ModelRef } from '../worker/protocol';
import { accuracyTick, ParetoScatter, type ScatterPoint } from './charts/ParetoScatter';
import { JobProgress } from './JobProgress';
import { formatBytes, formatCount, formatMs } from './format';

interface Row {
  key: string;
  name: string;
  step: string;
  ref: ModelRef | null;
  params: number;
  nonZero: number;
  gzip: number;
  accuracy: number | null;
  /** Interleaved with its parent when it was made: this device's ms at batch 1 (wasm or the job's backend). */
  latencyMs: number | null;
}

type SortKey = 'name' | 'params' | 'nonZero' | 'gzip' | 'accuracy' | 'latencyMs';
const pct = (x: number | null) => (x === null ? 'unknown' : `${(100 * x).toFixed(2)}%`);
const selectBenchJob = selectJob('benchmark');

/**
 * Every variant of the open model's experiment (its base and all descendants): a sortable table,
 * accuracy against size and against latency with the Pareto front, click to open; tick some and
 * "Benchmark selected" times them interleaved in one run here.
 */
export function ComparePanel() {
  const model = useStore(selectCurrentModel);
  const allRecords = useStore((s) => s.libraryRecords);
  const experiment = useExperiments(selectOpenExperiment);
  const records = useMemo(() => scopeRecords(allRecords, experiment, model?.summary.sha256), [allRecords, experiment, model]);
  const job = useStore(selectBenchJob);
  const measured = useCompare((s) => s.measured);
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: 'gzip', desc: false });
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [batch, setBatch] = useState(1);
  const { rows, backend } = useMemo((): { rows: Row[]; backend: string | null } => {
    if (!model) return { rows: [], backend: null };
    const { rootSha, ordered } = lineageOf(model, records);
    if (!ordered.length) return { rows: [], backend: null };
    const first = ordered[0];
    // One backend for the whole column (the one most variants were timed on): times from different backends never share an axis.
    const counts = new Map<string, number>();
    for (const r of ordered) for (const l of r.report?.latency ?? []) if (l.batchSize === 1) counts.set(l.backend, (counts.get(l.backend) ?? 0) + 1);
    const backend = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
    const latencyOf = (r: (typeof ordered)[number], side: 'beforeMs' | 'afterMs') => r.report?.latency.find((l) => l.batchSize === 1 && l.backend === backend)?.[side] ?? null;
    const base: Row = {
      key: rootSha, name: first.parentName, step: 'base', ref: first.parentRef ?? null,
      params: first.report!.before.params, nonZero: first.report!.before.nonZeroParams, gzip: first.report!.before.gzipBytes, accuracy: first.report!.before.accuracy, latencyMs: latencyOf(first, 'beforeMs'),
    };
    return { backend, rows: [base, ...ordered.map((r) => ({
      key: r.id, name: r.name, step: r.report!.step, ref: { kind: 'library' as const, libraryId: r.id },
      params: r.report!.after.params, nonZero: r.report!.after.nonZeroParams, gzip: r.report!.after.gzipBytes, accuracy: r.report!.after.accuracy, latencyMs: latencyOf(r, 'afterMs'),
    }))] };
  }, [model, records]);
  const sorted = useMemo(() => {
    const v = (r: Row) => (sort.key === 'name' ? r.name : (r[sort.key] ?? -Infinity));
    return [...rows].sort((a, b) => {
      const [x, y] = [v(a), v(b)];
      const c = typeof x === 'string' ? x.localeCompare(String(y)) : (x as number) - (y as number);
      return sort.desc ? -c : c;
    });
  }, [rows, sort]);
  // Latencies share an axis only when they come from one source: the interleaved run of
  // "Benchmark selected" when two or more were timed together, else the times taken when each was made.
  const together = rows.filter((r) => measured[r.key]?.batchSize === 1);
  const interleaved = together.length >= 2;
  const latencyLabel = interleaved ? `latency in one interleaved run (ms, batch 1, ${measured[together[0].key].backend})` : `latency when each was made (ms, batch 1${backend ? `, ${backend}` : ''}; separate runs)`;
  const scatter = (axis: 'gzip' | 'latency'): ScatterPoint[] =>
    (axis === 'latency' && interleaved ? together : rows).flatMap((r) => {
      const x = axis === 'gzip' ? r.gzip / 1024 : interleaved ? measured[r.key].ms : r.latencyMs;
      return r.accuracy === null || x === null ? [] : [{ key: r.key, x, y: r.accuracy, kind: 'candidate' as const, label: `${r.name}: ${pct(r.accuracy)}, ${formatBytes(r.gzip)} gzip${r.latencyMs !== null ? `, ${formatMs(r.latencyMs)}` : ''}` }];
    });
  const open = (key: string) => {
    const ref = rows.find((r) => r.key === key)?.ref;
    if (ref) void openModel(ref);
  };
  if (!model) return <p className="muted">Open a model to compare its variants.</p>;
  if (!rows.length) return <p className="muted" data-testid="compare-empty">No variants of {model.name} yet: run a technique, then compare its results here.</p>;
  const header = (key: SortKey, label: string) => (
    <th aria-sort={sort.key === key ? (sort.desc ? 'descending' : 'ascending') : 'none'}>
      <button type="button" onClick={() => setSort({ key, desc: sort.key === key ? !sort.desc : key === 'accuracy' })}>{label}</button>
    </th>
  );
  const chosen = sorted.filter((r) => picked.has(r.key) && r.ref);
  return (
    <section aria-labelledby="compare-title" data-testid="compare-panel">
      <h2 id="compare-title">Compare</h2>
      <p className="muted">Every variant of {rows[0].name} {records !== allRecords && experiment ? <>in the experiment “{experiment.name}”</> : 'in this browser'}. Accuracy on the test split; latency as measured when each was made (batch 1), or by “Benchmark selected”. Click a point to open that model.</p>
      <div className="compare-charts">
        <ParetoScatter points={scatter('gzip')} xLabel="gzip size (KB)" yLabel="test accuracy" formatY={accuracyTick} yMax={1} onSelect={open} testId="compare-size" />
        <ParetoScatter points={scatter('latency')} xLabel={latencyLabel} yLabel="test accuracy" formatY={accuracyTick} yMax={1} onSelect={open} testId="compare-latency" />
      </div>
      <table className="search-table" data-testid="compare-table">
        <thead>
          <tr>
            <th>Pick</th>
            {header('name', 'Model')}
            <th>Made by</th>
            {header('params', 'Params')}
            {header('nonZero', 'Non-zero')}
            {header('gzip', 'gzip')}
            {header('accuracy', 'Accuracy')}
            {header('latencyMs', 'Latency')}
            <th>Benchmarked together</th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((r) => {
            const m = measured[r.key];
            return (
              <tr key={r.key} data-testid="compare-row">
                <td><input type="checkbox" aria-label={`Pick ${r.name}`} disabled={!r.ref} checked={picked.has(r.key)} onChange={(e) => setPicked((p) => { const n = new Set(p); if (e.target.checked) n.add(r.key); else n.delete(r.key); return n; })} /></td>
                <td><button type="button" className="link" disabled={!r.ref} onClick={() => open(r.key)}>{r.name}</button></td>
                <td className="arch" title={r.step}>{r.step}</td>
                <td>{formatCount(r.params)}</td>
                <td>{formatCount(r.nonZero)}</td>
                <td>{formatBytes(r.gzip)}</td>
                <td>{pct(r.accuracy)}</td>
                <td>{r.latencyMs === null ? `not measured${backend ? ` on ${backend}` : ''}` : `${formatMs(r.latencyMs)} (${backend})`}</td>
                <td data-testid="compare-measured">{m ? `${formatMs(m.ms)} (${m.backend}, batch ${m.batchSize}; ${m.ratio.toFixed(2)}× ${m.firstName})` : ''}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div className="row">
        <label className="field inline">
          <span>Batch</span>
          <input type="number" min={1} max={1024} value={batch} onChange={(e) => setBatch(Math.max(1, Math.round(Number(e.target.value) || 1)))} />
        </label>
        <button type="button" className="primary" disabled={chosen.length < 2 || !!job} onClick={() => void benchmarkSelected(chosen.map((r) => ({ key: r.key, name: r.name, ref: r.ref! })), batch)}>
          Benchmark selected ({chosen.length})
        </button>
        <span className="muted">{chosen.length < 2 ? 'Pick two or more to time them interleaved in one run on this device.' : 'Timed interleaved (A B C … A B C …) on the current backend.'}</span>
      </div>
      {job ? <JobProgress job={job} /> : null}
    </section>
  );
}
