/** Techniques and export: the actions behind the Prune/Quantize tabs and the Export button. */
import type { TechniqueStep } from '../worker/protocol';
import { adoptModel, runJob } from './jobs';
import { useStore } from './store';

export async function optimizeCurrent(steps: TechniqueStep[], name?: string): Promise<boolean> {
  const { currentModelId: modelId, currentDatasetId: datasetId } = useStore.getState();
  if (!modelId) return false;
  const result = await runJob('optimize', 'Optimizing', { kind: 'optimize', modelId, datasetId, steps, name });
  if (result?.kind !== 'optimize') return false;
  useStore.setState((s) => ({ reports: { ...s.reports, [result.model.id]: result.report } }));
  await adoptModel(result.model);
  return true;
}

/** Download the open model as a zip of model.json + shards (what stock tf.loadLayersModel reads). */
export async function exportCurrent(): Promise<void> {
  const modelId = useStore.getState().currentModelId;
  if (!modelId) return;
  const result = await runJob('export', 'Exporting', { kind: 'export', modelId });
  if (result?.kind !== 'export') return;
  const url = URL.createObjectURL(new Blob([result.bytes as BlobPart], { type: 'application/zip' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = result.fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Per-layer sensitivity of the open model (no fine-tuning), for the Prune tab's chart. */
export async function scanSensitivity(method: 'magnitude' | 'filters'): Promise<void> {
  const { currentModelId: modelId, currentDatasetId: datasetId } = useStore.getState();
  if (!modelId) return;
  const result = await runJob('sensitivity', 'Sensitivity scan', { kind: 'sensitivity', modelId, datasetId, method });
  if (result?.kind === 'sensitivity') useStore.setState((s) => ({ sensitivity: { ...s.sensitivity, [result.modelId]: result.rows } }));
}
