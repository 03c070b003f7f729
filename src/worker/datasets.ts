import { BonsaiError, type Warning } from '../engine/errors';
import { disposeDataset, summarizeDataset, type Dataset } from '../engine/data/types';
import type { DatasetId, DatasetInfo } from './protocol';

/** The worker owns every dataset's tensors; the main thread holds DatasetIds. */
const datasets = new Map<DatasetId, Dataset>();
let nextId = 1;
/**
 * Ids are unique across engine restarts (a new worker starts counting again): a result kept by
 * the UI for an old id can never attach to whatever the new worker loads first.
 */
const INSTANCE = Math.random().toString(36).slice(2, 8);

export function registerDataset(dataset: Dataset, warnings: Warning[] = []): DatasetInfo {
  const id = `d${INSTANCE}-${nextId++}`;
  datasets.set(id, dataset);
  return { id, summary: summarizeDataset(dataset), warnings };
}

export function getDataset(id: DatasetId): Dataset {
  const d = datasets.get(id);
  if (!d) {
    throw new BonsaiError('DATASET_UNAVAILABLE', `Dataset ${id} is not loaded in the engine.`, 'Choose the dataset again.');
  }
  return d;
}

export function disposeDatasetById(id: DatasetId): void {
  const d = datasets.get(id);
  if (!d) return;
  disposeDataset(d);
  datasets.delete(id);
}
