/**
 * Save one searched candidate to the library: its trained files become a normal variant whose
 * parent is the search's reference model — opened by id when it is still open, else by reference
 * (a sample or a library entry) — measured against it like any technique's result.
 */
import { disposeLoaded } from '../../engine/model/load';
import { summarize } from '../../engine/metrics/summary';
import { disposeFitted, fitDataset } from '../../engine/pipeline/fit-data';
import { BonsaiError } from '../../engine/errors';
import type { JobSpec, OptimizeOutput } from '../protocol';
import { getDataset } from '../datasets';
import { getModel } from '../models';
import { loadRef } from '../resolve-model';
import type { JobContext } from './context';
import { keepVariant, type Parent } from './keep-results';

type Spec = Extract<JobSpec, { kind: 'save-candidate' }>;

function openParent(spec: Spec): Parent | null {
  if (!spec.parent.modelId) return null;
  try {
    return getModel(spec.parent.modelId);
  } catch {
    return null;
  }
}

export async function runSaveCandidate(spec: Spec, ctx: JobContext): Promise<OptimizeOutput> {
  let parent = openParent(spec);
  let owned = false;
  if (!parent) {
    if (!spec.parent.ref) {
      throw new BonsaiError('MODEL_NOT_FOUND', 'The model this search started from is no longer open or saved.', 'Open it again (from the Library or the samples) and save the candidate then.');
    }
    const { loaded, name } = await loadRef(spec.parent.ref, ctx);
    owned = true;
    try {
      const summary = await summarize(loaded);
      parent = { loaded, info: { id: '', name, format: loaded.format, source: { kind: spec.parent.ref.kind, label: name }, summary, warnings: [], ref: spec.parent.ref } };
    } catch (e) {
      disposeLoaded(loaded);
      throw e;
    }
  }
  const fitted = await fitDataset(parent.loaded, spec.datasetId ? getDataset(spec.datasetId) : undefined);
  try {
    return await keepVariant(
      parent,
      { files: spec.files, name: spec.name, step: spec.step, perLayer: [], notes: ['A candidate of an architecture search, saved as it was trained during the search.'], role: 'candidate' },
      { stepIndex: 0, final: false, steps: spec.steps, step: spec.step },
      fitted,
      { runId: `${Date.now()}-${ctx.jobId}` },
      ctx,
    );
  } finally {
    disposeFitted(fitted);
    if (owned) disposeLoaded(parent.loaded);
  }
}
