/** Actions: the only place the UI's intents reach the engine. */
import type { InputFile } from '../engine/model/types';
import { readSharedLink } from './share-actions';
import { deleteModel } from '../library/delete-model';
import type { BackendChoice, BenchmarkSpec, ModelSource } from '../worker/protocol';
import { loadBuiltinDataset } from './data-actions';
import { engine } from './engine';
import { reportError } from './errors';
import { adoptModel, refreshLibrary, runJob } from './jobs';
import { rememberLastModel, recallLastModel, recallBackend, rememberBackend } from './persist';
import { defaultSampleId } from './samples';
import { refreshExperiments } from './experiment-actions';
import { useStore } from './store';

export { refreshLibrary } from './jobs';

export async function openModel(source: ModelSource, name?: string, transfer?: Transferable[]): Promise<boolean> {
  const label = source.kind === 'files' ? 'Importing files' : source.kind === 'url' ? 'Loading from URL' : 'Opening model';
  const result = await runJob('import', label, { kind: 'import', source, name }, transfer);
  if (result?.kind !== 'import') return false;
  await adoptModel(result.model);
  return true;
}

/**
 * Show the import as started the moment files are picked or dropped, while their bytes are still
 * being read (large files take a while): nothing else can look like "no import running" meanwhile.
 * `end()` clears it once the bytes are read; `cancelled()` says whether Cancel was pressed meanwhile.
 */
export function showReadingFiles(via: 'picked' | 'dropped'): { end(): void; cancelled(): boolean } {
  let cancelled = false;
  const end = () => useStore.setState((s) => (s.jobs.import === reading ? { jobs: { ...s.jobs, import: undefined } } : {}));
  const reading = {
    kind: 'import' as const, label: `Reading ${via} files`, phase: 'Reading', done: 0, total: 1,
    startedAt: performance.now(), points: [],
    cancel: () => {
      cancelled = true;
      end();
    },
  };
  useStore.setState((s) => ({ jobs: { ...s.jobs, import: reading } }));
  return { end, cancelled: () => cancelled };
}

export function importFiles(files: InputFile[], via: 'picked' | 'dropped'): Promise<boolean> {
  return openModel({ kind: 'files', files, via }, undefined, files.map((f) => f.bytes.buffer as ArrayBuffer));
}

export function importUrl(url: string): Promise<boolean> {
  return openModel({ kind: 'url', url: url.trim() });
}

export async function runBenchmark(spec: Omit<BenchmarkSpec, 'modelId'>): Promise<void> {
  const modelId = useStore.getState().currentModelId;
  if (!modelId) return;
  const result = await runJob('benchmark', 'Benchmarking', { kind: 'benchmark', spec: { ...spec, modelId } });
  if (result?.kind === 'benchmark') {
    useStore.setState((s) => ({ benchmarks: { ...s.benchmarks, [modelId]: result.result } }));
  }
}

/**
 * Delete a model (library/delete-model.ts): it leaves the experiments that hold it, its children
 * move up to its parent; an experiment's base is refused. Returns what changed, or null when
 * nothing was deleted (the error is reported — not as a 'library' error, which the refresh right
 * after would clear unread).
 */
export async function deleteLibraryModel(id: string): Promise<{ experiments: string[]; reparented: string[] } | null> {
  let done: { experiments: string[]; reparented: string[] } | null = null;
  try {
    done = await deleteModel(id);
    const last = recallLastModel();
    if (last?.kind === 'library' && last.libraryId === id) rememberLastModel(undefined);
  } catch (e) {
    reportError(e);
  }
  await Promise.all([refreshLibrary(), refreshExperiments()]);
  // The result cards of the children that moved up describe their new parent now, not the cached one.
  const moved = new Set(done?.reparented);
  if (moved.size) {
    useStore.setState((s) => ({ variantRecords: { ...s.variantRecords, ...Object.fromEntries(s.libraryRecords.filter((r) => moved.has(r.id)).map((r) => [r.id, r])) } }));
  }
  return done;
}

/** Start a fresh engine: the open model and dataset are reopened, nothing saved is touched. */
export function restartEngine(): void {
  engine.restartNow();
}

export function setBackend(choice: BackendChoice): void {
  rememberBackend(choice);
  useStore.setState({ backendChoice: choice, engineStatus: 'starting' });
  engine.setBackend(choice);
}

async function openDefaultSample(): Promise<void> {
  const sampleId = await defaultSampleId();
  if (sampleId) await openModel({ kind: 'sample', sampleId });
}

/** Reopen what was open (the last model, else the default sample) and the built-in dataset. */
async function restoreSession(): Promise<void> {
  const last = recallLastModel();
  if (!(last && (await openModel(last)))) await openDefaultSample();
  await loadBuiltinDataset();
}

let started = false;
/** Start the engine, reopen what was open before the reload (or the default sample). */
export function startApp(): void {
  if (started) return;
  started = true;
  engine.on('ready', (device, available) => useStore.setState({ device, available, engineStatus: 'ready' }));
  engine.on('error', (e) => reportError(e));
  engine.on('restarted', (reason, expected) => {
    if (!expected) reportError(reason);
    const current = useStore.getState().currentModelId;
    const ref = current ? useStore.getState().models[current]?.ref : undefined;
    if (ref) rememberLastModel(ref);
    // The new worker holds no models or datasets: reopen them.
    useStore.setState({ engineStatus: 'restarting', models: {}, benchmarks: {}, evaluations: {}, datasets: {}, currentModelId: undefined, currentDatasetId: undefined, jobs: {} });
    void restoreSession();
  });
  const choice = recallBackend();
  useStore.setState({ backendChoice: choice });
  engine.start(choice);
  void refreshLibrary();
  void refreshExperiments();
  void restoreSession();
  readSharedLink();
  window.addEventListener('hashchange', () => readSharedLink());
}
