/** Actions: the only place the UI's intents reach the engine. */
import type { InputFile } from '../engine/model/types';
import { deleteFromLibrary, listLibrary } from '../library/db';
import type { BackendChoice, BenchmarkSpec, JobResult, JobSpec, ModelSource } from '../worker/protocol';
import { engine } from './engine';
import { reportError, errorInfoOf } from './errors';
import { useStore, type JobKind } from './store';
import { rememberLastModel, recallLastModel, recallBackend, rememberBackend } from './persist';
import { defaultSampleId } from './samples';

async function runJob(kind: JobKind, label: string, spec: JobSpec, transfer?: Transferable[]): Promise<JobResult | undefined> {
  const controller = new AbortController();
  useStore.setState((s) => ({
    jobs: {
      ...s.jobs,
      [kind]: { kind, label, phase: 'Starting', done: 0, total: 1, startedAt: performance.now(), points: [], cancel: () => controller.abort() },
    },
  }));
  try {
    return await engine.run(spec, {
      signal: controller.signal,
      transfer,
      onProgress: (p) =>
        useStore.setState((s) => {
          const job = s.jobs[kind];
          if (!job) return {};
          return {
            jobs: {
              ...s.jobs,
              [kind]: { ...job, phase: p.phase, done: p.done, total: p.total, points: p.point ? [...job.points, p.point] : job.points },
            },
          };
        }),
    });
  } catch (e) {
    reportError(e);
    return undefined;
  } finally {
    useStore.setState((s) => ({ jobs: { ...s.jobs, [kind]: undefined } }));
  }
}

export async function refreshLibrary(): Promise<void> {
  try {
    useStore.setState({ library: await listLibrary(), libraryError: undefined });
  } catch (e) {
    useStore.setState({ libraryError: errorInfoOf(e) });
  }
}

export async function openModel(source: ModelSource, name?: string, transfer?: Transferable[]): Promise<boolean> {
  const label = source.kind === 'files' ? 'Importing files' : source.kind === 'url' ? 'Loading from URL' : 'Opening model';
  const result = await runJob('import', label, { kind: 'import', source, name }, transfer);
  if (result?.kind !== 'import') return false;
  const model = result.model;
  const previous = useStore.getState().currentModelId;
  useStore.setState((s) => ({ models: { ...s.models, [model.id]: model }, currentModelId: model.id }));
  if (previous && previous !== model.id) closeModel(previous, false);
  if (model.storageError) reportError(model.storageError);
  if (source.kind === 'sample') rememberLastModel({ kind: 'sample', sampleId: source.sampleId });
  else if (model.libraryId) rememberLastModel({ kind: 'library', libraryId: model.libraryId });
  await refreshLibrary();
  return true;
}

function closeModel(id: string, clearCurrent: boolean): void {
  engine.disposeModel(id);
  useStore.setState((s) => {
    const models = { ...s.models };
    const benchmarks = { ...s.benchmarks };
    delete models[id];
    delete benchmarks[id];
    return { models, benchmarks, currentModelId: clearCurrent && s.currentModelId === id ? undefined : s.currentModelId };
  });
}

export function importFiles(files: InputFile[]): Promise<boolean> {
  return openModel({ kind: 'files', files }, undefined, files.map((f) => f.bytes.buffer as ArrayBuffer));
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

export async function deleteLibraryModel(id: string): Promise<void> {
  try {
    await deleteFromLibrary(id);
  } catch (e) {
    reportError(e);
  }
  if (recallLastModel()?.kind === 'library') rememberLastModel(undefined);
  await refreshLibrary();
}

export function setBackend(choice: BackendChoice): void {
  rememberBackend(choice);
  useStore.setState({ backendChoice: choice, engineStatus: 'starting' });
  engine.setBackend(choice);
}

let started = false;
/** Start the engine, reopen what was open before the reload (or the default sample). */
export function startApp(): void {
  if (started) return;
  started = true;
  engine.on('ready', (device, available) => useStore.setState({ device, available, engineStatus: 'ready' }));
  engine.on('error', (e) => reportError(e));
  engine.on('restarted', (reason) => {
    reportError(reason);
    const current = useStore.getState().currentModelId;
    const info = current ? useStore.getState().models[current] : undefined;
    useStore.setState({ engineStatus: 'restarting', models: {}, benchmarks: {}, currentModelId: undefined, jobs: {} });
    // The new worker has no models: reopen the current one from where it came.
    void (async () => {
      const again = info?.libraryId ? ({ kind: 'library', libraryId: info.libraryId } as const) : recallLastModel();
      if (again && (await openModel(again))) return;
      await openDefaultSample();
    })();
  });
  const choice = recallBackend();
  useStore.setState({ backendChoice: choice });
  engine.start(choice);
  void refreshLibrary();
  const last = recallLastModel();
  void (async () => {
    if (last && (await openModel(last))) return;
    await openDefaultSample();
  })();
}

async function openDefaultSample(): Promise<void> {
  const sampleId = await defaultSampleId();
  if (sampleId) await openModel({ kind: 'sample', sampleId });
}
