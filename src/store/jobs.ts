/** Running one engine job from the UI: its progress in the store, errors reported, aborts silent. */
import { listLibrary } from '../library/db';
import type { JobResult, JobSpec, ModelInfo } from '../worker/protocol';
import { engine } from './engine';
import { errorInfoOf, reportError } from './errors';
import { rememberLastModel } from './persist';
import { useStore, type JobKind } from './store';

export async function runJob(kind: JobKind, label: string, spec: JobSpec, transfer?: Transferable[]): Promise<JobResult | undefined> {
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

/** Make a model the engine just opened the current one; the previous one is released. */
export async function adoptModel(model: ModelInfo): Promise<void> {
  const previous = useStore.getState().currentModelId;
  useStore.setState((s) => ({ models: { ...s.models, [model.id]: model }, currentModelId: model.id }));
  if (previous && previous !== model.id) closeModel(previous);
  if (model.storageError) reportError(model.storageError);
  if (model.ref) rememberLastModel(model.ref);
  await refreshLibrary();
}

function closeModel(id: string): void {
  engine.disposeModel(id);
  useStore.setState((s) => {
    const models = { ...s.models };
    const benchmarks = { ...s.benchmarks };
    const evaluations = { ...s.evaluations };
    const reports = { ...s.reports };
    const sensitivity = { ...s.sensitivity };
    delete sensitivity[id];
    delete models[id];
    delete benchmarks[id];
    delete evaluations[id];
    delete reports[id];
    return { models, benchmarks, evaluations, reports, sensitivity };
  });
}
