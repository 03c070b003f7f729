/** Running one engine job from the UI: its progress in the store, errors reported, aborts silent. */
import { getVariantRecord, listAnalyses, listLibrary, listVariantRecords } from '../library/db';
import type { JobResult, JobSpec, ModelInfo } from '../worker/protocol';
import { engine } from './engine';
import { dispatchLive } from './live';
import { clearErrorsOf, errorInfoOf, reportError } from './errors';
import { rememberLastModel } from './persist';
import { useStore, type JobKind } from './store';

/**
 * Run one engine job with its progress in the store. `settle` (opening the result, saving what it
 * belongs to) runs while the job still shows, as its last phase: the job never disappears before
 * its result is open, so nothing looks idle with the old model in place.
 */
export async function runJob(kind: JobKind, label: string, spec: JobSpec, transfer?: Transferable[], settle?: (result: JobResult) => Promise<void>): Promise<JobResult | undefined> {
  const controller = new AbortController();
  useStore.setState((s) => ({
    jobs: {
      ...s.jobs,
      [kind]: { kind, label, phase: 'Starting', done: 0, total: 1, startedAt: performance.now(), points: [], cancel: () => controller.abort() },
    },
  }));
  try {
    const result = await engine.run(spec, {
      signal: controller.signal,
      transfer,
      onProgress: (p) => {
        if (p.live !== undefined) dispatchLive(p.live);
        useStore.setState((s) => {
          const job = s.jobs[kind];
          if (!job) return {};
          return {
            jobs: {
              ...s.jobs,
              [kind]: { ...job, phase: p.phase, done: p.done, total: p.total, points: p.point ? [...job.points, p.point] : job.points },
            },
          };
        });
      },
    });
    clearErrorsOf(kind);
    if (settle) {
      useStore.setState((s) => {
        const job = s.jobs[kind];
        return job ? { jobs: { ...s.jobs, [kind]: { ...job, phase: 'Opening the result', done: job.total } } } : {};
      });
      await settle(result);
    }
    return result;
  } catch (e) {
    reportError(e, kind);
    return undefined;
  } finally {
    useStore.setState((s) => ({ jobs: { ...s.jobs, [kind]: undefined } }));
  }
}

export async function refreshLibrary(): Promise<void> {
  try {
    const [library, { records, damaged }] = await Promise.all([listLibrary(), listVariantRecords()]);
    useStore.setState({ library, libraryRecords: records, libraryError: undefined });
    clearErrorsOf('library');
    if (damaged.length) reportError({ code: 'RECORD_INVALID', message: `${damaged.length} saved variant record(s) could not be read: ${damaged[0]}`, hint: 'Their models still open from the Library; only their result cards are missing.' }, 'library');
  } catch (e) {
    useStore.setState({ libraryError: errorInfoOf(e) });
  }
}

/**
 * The result card and analyses of a model, from IndexedDB (they outlive reloads and engine
 * restarts). A storage failure is reported, never shown as "no results".
 */
export async function loadRecordsOf(model: ModelInfo): Promise<void> {
  const sha = model.summary.sha256;
  try {
    const [record, analyses] = await Promise.all([
      useStore.getState().variantRecords[sha] ? Promise.resolve(undefined) : getVariantRecord(sha),
      listAnalyses(sha),
    ]);
    useStore.setState((s) => ({
      variantRecords: record ? { ...s.variantRecords, [sha]: record } : s.variantRecords,
      analyses: analyses.length || !s.analyses[sha] ? { ...s.analyses, [sha]: analyses } : s.analyses,
    }));
  } catch (e) {
    const info = errorInfoOf(e);
    // No IndexedDB at all is already shown by the Library; a damaged record is worth saying.
    if (info.code !== 'STORAGE_UNAVAILABLE') reportError(e);
  }
}

/** Make a model the engine just opened the current one; the previous one is released. */
export async function adoptModel(model: ModelInfo): Promise<void> {
  const previous = useStore.getState().currentModelId;
  useStore.setState((s) => ({ models: { ...s.models, [model.id]: model }, currentModelId: model.id }));
  if (previous && previous !== model.id) closeModel(previous);
  if (model.storageError) reportError(model.storageError);
  if (model.ref) rememberLastModel(model.ref);
  await Promise.all([refreshLibrary(), loadRecordsOf(model)]);
}

function closeModel(id: string): void {
  engine.disposeModel(id);
  useStore.setState((s) => {
    const models = { ...s.models };
    const benchmarks = { ...s.benchmarks };
    const evaluations = { ...s.evaluations };
    delete models[id];
    delete benchmarks[id];
    delete evaluations[id];
    // Variant records and analyses are keyed by SHA-256 and stay: they describe files, not this session.
    return { models, benchmarks, evaluations };
  });
}
