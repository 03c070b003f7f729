/** Techniques and export: the actions behind the technique tabs and the Export button. */
import type { OptimizeOutput, TechniqueStep } from '../worker/protocol';
import { reportError } from './errors';
import { joinExperiments } from './experiment-actions';
import { adoptModel, refreshLibrary, runJob } from './jobs';
import { useStore } from './store';

/** Keep each result's record in the store (by SHA-256), the way IndexedDB keeps it. */
function keepRecords(outputs: OptimizeOutput[]): void {
  useStore.setState((s) => {
    const variantRecords = { ...s.variantRecords };
    const analyses = { ...s.analyses };
    for (const o of outputs) {
      if (o.kind === 'variant') {
        if (o.record) variantRecords[o.record.id] = o.record;
      }
      else analyses[o.record.modelId] = [o.record, ...(analyses[o.record.modelId] ?? []).filter((a) => a.id !== o.record.id)];
    }
    return { variantRecords, analyses };
  });
}

/**
 * Run steps (one technique, or a recipe) on the open model. The final variant becomes the open
 * model; emitted variants (a scratch baseline) land in the library; reports attach to the model.
 */
export async function optimizeCurrent(steps: TechniqueStep[], name?: string): Promise<boolean> {
  const { currentModelId: modelId, currentDatasetId: datasetId } = useStore.getState();
  if (!modelId) return false;
  const result = await runJob('optimize', 'Optimizing', { kind: 'optimize', modelId, datasetId, steps, name }, undefined, async (result) => {
    if (result.kind !== 'optimize') return;
    keepRecords(result.outputs);
    await joinExperiments(result.outputs.flatMap((o) => (o.kind === 'variant' && o.record ? [o.record] : [])));
    for (const o of result.outputs) if (o.storageError) reportError(o.storageError);
    const final = result.outputs.find((o) => o.kind === 'variant' && o.model);
    if (final?.kind === 'variant' && final.model) await adoptModel(final.model);
    else await refreshLibrary();
  });
  return result?.kind === 'optimize';
}

/**
 * Download the open model as a zip of model.json + shards (what stock tf.loadLayersModel reads);
 * `compact` (default) drops the model.json fields stock TF.js fills in by itself.
 */
export async function exportCurrent(opts: { compact?: boolean } = {}): Promise<void> {
  const modelId = useStore.getState().currentModelId;
  if (!modelId) return;
  const result = await runJob('export', 'Exporting', { kind: 'export', modelId, compact: opts.compact ?? true });
  if (result?.kind !== 'export') return;
  const url = URL.createObjectURL(new Blob([result.bytes as BlobPart], { type: 'application/zip' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = result.fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
