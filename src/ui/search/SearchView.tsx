import { useEffect, useMemo, useState } from 'react';
import { RETRAIN_PHASE, type CandidateRecord } from '../../engine/techniques/search/meta';
import type { SearchSession } from '../../library/search-db';
import { loadLastSearch, resumeBlocker, resumeSearch, saveCandidate, selectCandidate, useSearch } from '../../store/search-actions';
import { selectJob, useStore } from '../../store/store';
import { accuracyTick, ParetoScatter, type ScatterPoint } from '../charts/ParetoScatter';
import { formatBytes, formatCount, formatFlops, formatMs } from '../format';
import { speedLabel } from '../techniques/VariantCard';
import { atChance, statusCell, statusLine } from './status';

const selectOptimizeJob = selectJob('optimize');
const selectSaveJob = selectJob('save');
const pct = (x: number | null | undefined) => (x == null ? '—' : `${(100 * x).toFixed(2)}%`);
/** A table cell with no value: a dash whose reason is its title and its accessible name (the row's status says it too). */
const unknownCell = (why: string) => <span title={`Not measured: ${why}`} aria-label={`not measured: ${why}`}>—</span>;
/** An unknown value says why it is unknown. */
const notMeasured = (why: string) => <span className="muted">not measured ({why})</span>;

type SortKey = 'index' | 'valAccuracy' | 'latencyMs' | 'params' | 'gzipBytes';

/** What the latency table's prediction is, for its column header and the details' line. */
const PREDICTED_MEANS = "The latency table's prediction: the sum of this candidate's layers, each timed alone on this device and cached. Each lone timing carries its own call overhead, so the sum can read above the measured latency; it is made to rank candidates before they are built (the notes give its rank correlation with measured latency).";

/** The live (and saved) view of the last search: scatter with the front, the table, one candidate's details. */
export function SearchView() {
  const session = useSearch((s) => s.session);
  const selectedKey = useSearch((s) => s.selectedKey);
  const storageProblem = useSearch((s) => s.storageProblem);
  const job = useStore(selectOptimizeJob);
  const saving = useStore(selectSaveJob);
  const [axis, setAxis] = useState<'latency' | 'size'>('latency');
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: 'index', desc: false });
  useEffect(() => void loadLastSearch(), []);

  const points = useMemo((): ScatterPoint[] => {
    if (!session) return [];
    const pts: ScatterPoint[] = session.candidates
      .filter((c) => c.status === 'trained' && c.valAccuracy !== null && c.latencyMs !== null && c.gzipBytes !== null)
      .map((c) => ({
        key: c.key,
        x: axis === 'latency' ? c.latencyMs! : c.gzipBytes! / 1024,
        y: c.valAccuracy!,
        kind: c.phase === 'final' ? 'final' : 'candidate',
        label: `#${c.index + 1}${c.phase === 'final' ? ' retrained' : ''}: ${pct(c.valAccuracy)}, ${formatMs(c.latencyMs!)}, ${formatBytes(c.gzipBytes!)} gzip — ${c.description}`,
      }));
    const ref = session.start?.reference;
    if (ref && ref.valAccuracy !== null) {
      pts.push({ key: 'reference', x: axis === 'latency' ? ref.latencyMs : ref.gzipBytes / 1024, y: ref.valAccuracy, kind: 'reference', label: `The open model ${session.model.name}: ${pct(ref.valAccuracy)}, ${formatMs(ref.latencyMs)}` });
    }
    return pts;
  }, [session, axis]);

  const rows = useMemo(() => {
    if (!session) return [];
    const v = (c: CandidateRecord) => (sort.key === 'index' ? c.index + (c.phase === 'final' ? 0.5 : 0) : (c[sort.key] ?? -Infinity));
    return [...session.candidates].sort((a, b) => (sort.desc ? v(b) - v(a) : v(a) - v(b)));
  }, [session, sort]);

  if (!session) return null;
  const running = !!job && session.status === 'running';
  const blocker = session.status !== 'running' && session.status !== 'done' ? resumeBlocker(session) : null;
  const selected = session.candidates.find((c) => c.key === selectedKey) ?? null;
  const classes = session.start?.space.classes;
  const header = (key: SortKey, label: string) => (
    <th aria-sort={sort.key === key ? (sort.desc ? 'descending' : 'ascending') : 'none'}>
      <button type="button" onClick={() => setSort({ key, desc: sort.key === key ? !sort.desc : key === 'valAccuracy' })}>{label}</button>
    </th>
  );

  return (
    <section className="card" aria-label="Search results" data-testid="search-view">
      <h3>Search {session.start ? `· ${session.start.objective}` : ''}</h3>
      <p role="status" data-testid="search-status">{statusLine(session, running, !!job?.phase.startsWith(RETRAIN_PHASE))}</p>
      {storageProblem ? <p className="warning">{storageProblem}</p> : null}
      {session.status === 'stopped' && !job ? (
        <div className="row">
          <button type="button" data-testid="search-resume" disabled={!!blocker} title={blocker ?? undefined} onClick={() => void resumeSearch()}>
            Resume search
          </button>
          {blocker ? <span className="muted">{blocker}</span> : <span className="muted">Recorded candidates are replayed, not retrained; the search continues with the same seed.</span>}
        </div>
      ) : null}
      <div className="row" role="radiogroup" aria-label="Chart">
        <label className="field inline"><input type="radio" name="search-axis" checked={axis === 'latency'} onChange={() => setAxis('latency')} /> <span>Accuracy vs latency (batch 1, this device)</span></label>
        <label className="field inline"><input type="radio" name="search-axis" checked={axis === 'size'} onChange={() => setAxis('size')} /> <span>Accuracy vs gzip size</span></label>
      </div>
      <ParetoScatter
        points={points}
        xLabel={axis === 'latency' ? 'latency (batch 1)' : 'gzip size'}
        yLabel="validation accuracy"
        formatX={axis === 'latency' ? formatMs : (kb) => formatBytes(kb * 1024)}
        formatY={accuracyTick}
        yMax={1}
        selected={selectedKey}
        onSelect={(k) => k !== 'reference' && selectCandidate(k)}
        testId="search-scatter"
      />
      {selected ? <CandidateDetails c={selected} session={session} saving={!!saving} /> : <p className="muted">Click a point or a row for a candidate's architecture, size, latency and training curve.</p>}
      <table className="search-table" data-testid="search-table">
        <thead>
          <tr>
            {header('index', '#')}
            <th>Status</th>
            <th>Architecture</th>
            {header('valAccuracy', 'Val. accuracy')}
            {header('latencyMs', 'Latency')}
            <th title={PREDICTED_MEANS}>Predicted</th>
            {header('params', 'Params')}
            {header('gzipBytes', 'gzip')}
          </tr>
        </thead>
        <tbody>
          {rows.map((c) => (
            <tr key={c.key} aria-selected={c.key === selectedKey} data-testid="search-row">
              <td><button type="button" onClick={() => selectCandidate(c.key)} aria-label={`Candidate ${c.index + 1}${c.phase === 'final' ? ' retrained' : ''}: details`}>{c.index + 1}{c.phase === 'final' ? ' ★' : ''}</button></td>
              <td className="status" title={atChance(c, classes) ? 'At chance level: it did not learn (its validation accuracy is near guessing)' : undefined}>{statusCell(c, classes)}</td>
              <td className="arch" title={c.description}>{c.description}</td>
              <td>{c.valAccuracy === null ? unknownCell('never trained (rejected)') : pct(c.valAccuracy)}</td>
              <td>{c.latencyMs === null ? unknownCell('rejected before it was timed') : formatMs(c.latencyMs)}</td>
              <td>{c.predictedMs === null ? unknownCell(c.arch.kind === 'cut' && c.latencyMs !== null ? 'a cut of the open model: measured, not predicted (the table covers fresh architectures’ layers)' : 'rejected before it was timed') : formatMs(c.predictedMs)}</td>
              <td>{c.params === null ? unknownCell('never built') : formatCount(c.params)}</td>
              <td>{c.gzipBytes === null ? unknownCell('never trained, so never exported') : formatBytes(c.gzipBytes)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {session.end ? (
        <ul className="notes" data-testid="search-notes">
          {session.end.notes.map((n) => <li key={n}>{n}</li>)}
        </ul>
      ) : null}
    </section>
  );
}

function CandidateDetails({ c, session, saving }: { c: CandidateRecord; session: SearchSession; saving: boolean }) {
  const savedId = session.saved[c.key];
  return (
    <div className="card" data-testid="search-details" aria-live="polite">
      <h4>Candidate {c.index + 1}{c.phase === 'final' ? ' (retrained with the full budget)' : ''}</h4>
      <p>{c.description}</p>
      <dl className="kv">
        <div><dt>Validation accuracy</dt><dd>{c.valAccuracy === null ? notMeasured('never trained: it broke a constraint') : pct(c.valAccuracy)}{atChance(c, session.start?.space.classes) ? ' — at chance level: it did not learn (try more epochs or a higher learning rate)' : ''}</dd></div>
        <div>
          <dt>Latency (batch 1, this device)</dt>
          <dd>{c.latencyMs === null ? notMeasured('rejected before it was timed') : formatMs(c.latencyMs)}{c.predictedMs !== null ? <span title={PREDICTED_MEANS}>{` (table predicted ${formatMs(c.predictedMs)}: for ranking, not a time)`}</span> : ''}</dd>
        </div>
        {c.vsReference !== undefined ? <div><dt>Speed vs the open model</dt><dd data-testid="search-vs-reference">{speedLabel(1, c.vsReference)} (its latency {c.vsReference.toFixed(2)}× the open model’s, timed interleaved with it)</dd></div> : null}
        {c.latencyBatchMs !== null ? <div><dt>Latency (batch {session.config.latencyBatch})</dt><dd>{formatMs(c.latencyBatchMs)}</dd></div> : null}
        <div><dt>Parameters</dt><dd>{c.params === null ? notMeasured('never built') : formatCount(c.params)}</dd></div>
        <div><dt>FLOPs</dt><dd>{c.flops === null ? notMeasured('never built') : formatFlops(c.flops)}</dd></div>
        <div><dt>gzip size</dt><dd>{c.gzipBytes === null ? notMeasured('never trained, so never exported') : formatBytes(c.gzipBytes)}</dd></div>
        <div><dt>Training budget</dt><dd>{c.budget.epochs} epoch(s) × {formatCount(c.budget.examples)} examples{c.rung ? `, rung ${c.rung + 1}` : ''}</dd></div>
        {c.mutation ? <div><dt>Made by</dt><dd>{c.mutation} of candidate {(c.parentIndex ?? 0) + 1}</dd></div> : null}
        {c.status === 'rejected' ? <div><dt>Rejected</dt><dd>{c.reason}</dd></div> : null}
      </dl>
      {c.curve.length ? (
        <p className="muted" data-testid="search-curve">
          Training curve: {c.curve.map((p) => `epoch ${p.epoch}: loss ${p.loss.toFixed(3)}, val ${pct(p.valAccuracy)}`).join(' · ')}
        </p>
      ) : null}
      {c.status === 'trained' ? (
        <button type="button" data-testid="search-save" disabled={!!savedId || saving} onClick={() => void saveCandidate(c.key)}>
          {savedId ? 'Saved to the library' : 'Save to library'}
        </button>
      ) : null}
    </div>
  );
}
