/**
 * The Search tab's state: the current search session (checkpointed in IndexedDB as candidates
 * arrive, so Cancel keeps what finished and a reload resumes), and its actions — start, resume,
 * save a candidate to the library. The session lives in its own small store; the app store keeps
 * the engine's jobs.
 */
import { joinExperiments } from './experiment-actions';
import { create } from 'zustand';
import type { CandidateRecord, SearchConfig, SearchLive } from '../engine/techniques/search/meta';
import { lastSession, pruneSessions, readCandidateFiles, saveCandidateFiles, saveSession, type SearchSession } from '../library/search-db';
import { reportError } from './errors';
import { refreshLibrary, runJob } from './jobs';
import { onLive } from './live';
import { optimizeCurrent } from './optimize-actions';
import { selectCurrentDataset, selectCurrentModel, useStore } from './store';

export interface SearchState {
  session: SearchSession | null;
  /** true once the last session has been read back (or found missing). */
  loaded: boolean;
  selectedKey: string | null;
  /** Set when the checkpoint cannot be written: the search still runs, but a reload would lose it. */
  storageProblem: string | null;
}

export const useSearch = create<SearchState>()(() => ({ session: null, loaded: false, selectedKey: null, storageProblem: null }));

let resuming: SearchSession | null = null;

function persist(session: SearchSession): void {
  saveSession(session).then(
    () => useSearch.setState({ storageProblem: null }),
    (e: unknown) => useSearch.setState({ storageProblem: `The search could not be checkpointed (${(e as { message?: string }).message ?? String(e)}); it runs on, but a reload would lose it.` }),
  );
}

function update(f: (s: SearchSession) => SearchSession): void {
  const s = useSearch.getState().session;
  if (!s) return;
  const next = f({ ...s, updatedAt: Date.now() });
  useSearch.setState({ session: next });
  persist(next);
}

const isSearchLive = (item: unknown): item is SearchLive =>
  typeof item === 'object' && item !== null && typeof (item as { kind?: unknown }).kind === 'string' && (item as { kind: string }).kind.startsWith('search-');

function handle(item: unknown): boolean {
  if (!isSearchLive(item)) return false;
  if (item.kind === 'search-start') {
    if (resuming) {
      const s = resuming;
      resuming = null;
      useSearch.setState({ session: { ...s, status: 'running', start: item, end: null, updatedAt: Date.now() } });
      return true;
    }
    const app = useStore.getState();
    const model = selectCurrentModel(app);
    const session: SearchSession = {
      id: `search-${Date.now()}`,
      status: 'running',
      startedAt: Date.now(),
      updatedAt: Date.now(),
      config: item.config,
      model: { name: model?.name ?? 'model', sha256: model?.summary.sha256 ?? '', ...(model?.ref ? { ref: model.ref } : {}) },
      datasetName: selectCurrentDataset(app)?.summary.name ?? null,
      start: item,
      candidates: [],
      end: null,
      elapsedMs: 0,
      saved: {},
    };
    useSearch.setState({ session, selectedKey: null });
    persist(session);
    void pruneSessions(session.id).catch(() => undefined);
    return true;
  }
  if (item.kind === 'search-candidate') {
    const session = useSearch.getState().session;
    if (!session) return true;
    const { candidate, files } = item;
    if (files) {
      saveCandidateFiles(session.id, candidate.key, files).catch((e: unknown) =>
        useSearch.setState({ storageProblem: `Candidate ${candidate.index + 1}'s weights could not be kept (${(e as { message?: string }).message ?? String(e)}).` }),
      );
    }
    update((s) => ({ ...s, candidates: [...s.candidates.filter((c) => c.key !== candidate.key), candidate], elapsedMs: Math.max(s.elapsedMs, item.elapsedMs) }));
    return true;
  }
  update((s) => ({ ...s, end: item }));
  return true;
}

onLive(handle);

// When the optimize job ends, a running session is done (it reached its end) or stopped (cancelled, failed).
useStore.subscribe((s, prev) => {
  if (prev.jobs.optimize && !s.jobs.optimize) {
    const session = useSearch.getState().session;
    if (session?.status === 'running') update((x) => ({ ...x, status: x.end ? 'done' : 'stopped' }));
  }
});

/** Read the last session back once; a session left 'running' by a closed page is stopped (resumable). */
export async function loadLastSearch(): Promise<void> {
  if (useSearch.getState().loaded) return;
  try {
    const s = await lastSession();
    const running = !!useStore.getState().jobs.optimize;
    useSearch.setState({ loaded: true, session: s && s.status === 'running' && !running ? { ...s, status: 'stopped' } : useSearch.getState().session ?? s });
  } catch (e) {
    useSearch.setState({ loaded: true, storageProblem: `Saved searches could not be read (${(e as { message?: string }).message ?? String(e)}).` });
  }
}

/** Why the stopped session cannot resume on the open model (null when it can). */
export function resumeBlocker(session: SearchSession): string | null {
  const model = selectCurrentModel(useStore.getState());
  if (!model) return 'Open a model first.';
  if (session.model.sha256 && model.summary.sha256 !== session.model.sha256) return `This search started from ${session.model.name}: open it to resume.`;
  return null;
}

export async function resumeSearch(): Promise<void> {
  const session = useSearch.getState().session;
  if (!session || session.status === 'running') return;
  resuming = session;
  const results: CandidateRecord[] = session.candidates.filter((c) => c.phase === 'search');
  const config: SearchConfig = { ...session.config, resume: { results, elapsedMs: session.elapsedMs } };
  const ok = await optimizeCurrent([{ technique: 'search', config }]);
  if (!ok) resuming = null;
}

/** Save a finished candidate (its trained files, kept in the checkpoint) as a library variant. */
export async function saveCandidate(key: string): Promise<void> {
  const session = useSearch.getState().session;
  const candidate = session?.candidates.find((c) => c.key === key);
  if (!session || !candidate) return;
  let files;
  try {
    files = await readCandidateFiles(session.id, key);
  } catch (e) {
    reportError(e);
    return;
  }
  if (!files) {
    reportError({ code: 'MODEL_NOT_FOUND', message: `Candidate ${candidate.index + 1}'s weights are not in this browser's storage.`, hint: 'Rejected candidates are never trained; resume or rerun the search to train it.' });
    return;
  }
  const app = useStore.getState();
  const current = selectCurrentModel(app);
  const result = await runJob('save', 'Saving the candidate', {
    kind: 'save-candidate',
    parent: { modelId: current && current.summary.sha256 === session.model.sha256 ? current.id : undefined, ref: session.model.ref },
    datasetId: app.currentDatasetId,
    files,
    name: `searched #${candidate.index + 1}${candidate.phase === 'final' ? ' (retrained)' : ''}`,
    step: `architecture search candidate ${candidate.index + 1}: ${candidate.description}, trained ${candidate.budget.epochs} epoch(s) on ${candidate.budget.examples.toLocaleString('en-US')} examples`,
    steps: [{ technique: 'search', config: session.config }],
  });
  if (result?.kind !== 'save-candidate') return;
  const o = result.output;
  if (o.storageError) reportError(o.storageError);
  if (o.kind === 'variant' && o.record) {
    const record = o.record;
    useStore.setState((s) => ({ variantRecords: { ...s.variantRecords, [record.id]: record } }));
    update((s) => ({ ...s, saved: { ...s.saved, [key]: record.id } }));
    await joinExperiments([record]);
  }
  await refreshLibrary();
}

export const selectCandidate = (key: string | null) => useSearch.setState({ selectedKey: key });
