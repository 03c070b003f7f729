/**
 * The tabular MLP fixture: a seeded Dense classifier over the CSV fixture's four features and three
 * classes, written as the files a TF.js export has (model.json + one shard) by the engine's own
 * serializer, so unit tests and the e2e spec open the same model.
 */
import '@tensorflow/tfjs-backend-cpu';
import type { InputFile } from '../model/types';
import { serializeLayersModel } from '../model/serialize';
import { denseClassifier } from './train-fixtures';

export const TABULAR_MLP = { inputs: 4, hidden: [16], classes: 3, seed: 5 } as const;

export function tabularMlp() {
  return denseClassifier({ ...TABULAR_MLP, hidden: [...TABULAR_MLP.hidden] });
}

/** model.json + group1-shard1of1.bin of an untrained tabular MLP. */
export async function tabularMlpFiles(): Promise<InputFile[]> {
  const model = tabularMlp();
  try {
    return await serializeLayersModel(model, { compact: false });
  } finally {
    model.dispose();
  }
}
