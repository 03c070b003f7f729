/**
 * The optimize job: translate a message into the engine's recipe runner, and what it produces
 * into the engine's tables and the library (keep-results.ts).
 */
import { disposeFitted, fitDataset } from '../../engine/pipeline/fit-data';
import { runRecipe } from '../../engine/pipeline/recipe';
import { TECHNIQUES } from '../../engine/techniques/registry';
import type { DatasetId, ModelId, OptimizeOutput, TechniqueStep } from '../protocol';
import { getDataset } from '../datasets';
import { disposeModel, getModel } from '../models';
import { workerCache } from '../latency-cache';
import { spawnWorkerPool } from '../search-pool';
import { loadRef } from '../resolve-model';
import type { JobContext } from './context';
import { keepReport, keepVariant, type Parent } from './keep-results';

export interface OptimizeSpec {
  modelId: ModelId;
  datasetId?: DatasetId;
  steps: TechniqueStep[];
  name?: string;
  latencyBatchSizes?: number[];
}

/**
 * Run a technique (or a recipe of several) on the open model. Every result is measured and saved;
 * the final variant is opened in the engine (the UI adopts it), emitted ones are saved to the library.
 */
export async function runOptimize(spec: OptimizeSpec, ctx: JobContext): Promise<OptimizeOutput[]> {
  const parent = getModel(spec.modelId);
  const fitted = await fitDataset(parent.loaded, spec.datasetId ? getDataset(spec.datasetId) : undefined);
  const outputs: OptimizeOutput[] = [];
  const runId = `${Date.now()}-${ctx.jobId}`;
  const refNames = new WeakMap<object, string>();
  /** The tree node results attach to: the open model, then each recipe step's saved variant. */
  let node: Parent = parent;
  const nodes: string[] = [];
  try {
    await runRecipe({
      input: parent.loaded,
      steps: spec.steps,
      data: fitted.data,
      registry: TECHNIQUES,
      signal: ctx.signal,
      progress: ctx.progress,
      live: (item) => ctx.live(item),
      cache: workerCache,
      spawnPool: spawnWorkerPool,
      inputName: parent.info.name,
      openRef: async (ref) => {
        const { loaded, name } = await loadRef(ref, ctx);
        refNames.set(loaded, name);
        return loaded;
      },
      refName: (m) => refNames.get(m),
      onOutput: async (output, info) => {
        if (output.kind === 'report') {
          outputs.push(await keepReport(node, output, info, fitted));
        } else if (info.intermediate) {
          // A recipe step's variant: saved as a node of the tree, kept open as the next result's parent.
          const kept = await keepVariant(node, output, { ...info, final: true }, fitted, { runId, latencyBatchSizes: spec.latencyBatchSizes }, ctx);
          if (kept.kind === 'variant' && kept.model) {
            nodes.push(kept.model.id);
            node = getModel(kept.model.id);
          }
          outputs.push(kept.kind === 'variant' ? { kind: 'variant', record: kept.record, storageError: kept.storageError } : kept);
        } else {
          outputs.push(await keepVariant(node, output, info, fitted, { ...spec, runId }, ctx));
        }
      },
    });
    return outputs;
  } catch (e) {
    // A failed or cancelled run keeps nothing open (saved emitted results stay: they are complete).
    for (const o of outputs) if (o.kind === 'variant' && o.model) disposeModel(o.model.id);
    throw e;
  } finally {
    for (const id of nodes) disposeModel(id);
    disposeFitted(fitted);
  }
}
