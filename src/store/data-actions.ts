/** Datasets, evaluation and training: the actions behind the Dataset card and the Evaluate/Train tabs. */
import type { InputFile } from '../engine/model/types';
import type { TrainConfig } from '../engine/train/meta';
import type { DatasetSource, ModelRef } from '../worker/protocol';
import { engine } from './engine';
import { adoptModel, runJob } from './jobs';
import { useStore } from './store';

export async function loadDataset(source: DatasetSource, transfer?: Transferable[]): Promise<boolean> {
  const label = source.kind === 'builtin' ? 'Loading MNIST digits' : source.kind === 'csv' ? 'Loading CSV' : 'Loading images';
  const result = await runJob('dataset', label, { kind: 'load-dataset', source }, transfer);
  if (result?.kind !== 'load-dataset') return false;
  const previous = useStore.getState().currentDatasetId;
  useStore.setState((s) => ({ datasets: { ...s.datasets, [result.dataset.id]: result.dataset }, currentDatasetId: result.dataset.id, evaluations: {} }));
  if (previous && previous !== result.dataset.id) {
    engine.disposeDataset(previous);
    useStore.setState((s) => {
      const datasets = { ...s.datasets };
      delete datasets[previous];
      return { datasets };
    });
  }
  return true;
}

export function loadBuiltinDataset(): Promise<boolean> {
  return loadDataset({ kind: 'builtin', id: 'mnist' });
}

export function loadImageDataset(files: InputFile[], labeled: boolean): Promise<boolean> {
  const modelId = useStore.getState().currentModelId;
  if (!modelId) return Promise.resolve(false);
  return loadDataset({ kind: 'images', files, labeled, modelId }, files.map((f) => f.bytes.buffer as ArrayBuffer));
}

/** A CSV file as the dataset; `labelColumn` is the 0-based column holding the class. */
export function loadCsvDataset(file: InputFile, labelColumn: number): Promise<boolean> {
  return loadDataset({ kind: 'csv', file, labelColumn }, [file.bytes.buffer as ArrayBuffer]);
}

export async function evaluateCurrent(reference?: ModelRef): Promise<void> {
  const { currentModelId: modelId, currentDatasetId: datasetId } = useStore.getState();
  if (!modelId || !datasetId) return;
  const result = await runJob('evaluate', 'Evaluating', { kind: 'evaluate', modelId, datasetId, reference });
  if (result?.kind === 'evaluate') {
    useStore.setState((s) => ({ evaluations: { ...s.evaluations, [modelId]: result.evaluation } }));
  }
}

export async function trainCurrent(config: TrainConfig, name?: string): Promise<boolean> {
  const { currentModelId: modelId, currentDatasetId: datasetId } = useStore.getState();
  if (!modelId || !datasetId) return false;
  const result = await runJob('train', 'Training', { kind: 'train', modelId, datasetId, config, name });
  if (result?.kind !== 'train') return false;
  const record = result.record;
  if (record) useStore.setState((s) => ({ variantRecords: { ...s.variantRecords, [record.id]: record } }));
  await adoptModel(result.model);
  return true;
}
