import * as tf from '@tensorflow/tfjs-core';
import { SENSITIVITY_RATIOS } from '../../engine/techniques/prune/meta';
import { sensitivityScan } from '../../engine/techniques/prune/sensitivity';
import type { DatasetId, ModelId, SensitivityPoint } from '../protocol';
import { getModel } from '../models';
import type { JobContext } from './context';
import { techniqueData } from './optimize';

/** Per prunable layer, the metric with that layer alone pruned at each ratio, no fine-tuning. */
export async function runSensitivity(
  spec: { modelId: ModelId; datasetId?: DatasetId; method: 'magnitude' | 'filters' },
  ctx: JobContext,
): Promise<SensitivityPoint[]> {
  const { loaded } = getModel(spec.modelId);
  const { data, owned } = techniqueData(loaded, spec.datasetId);
  try {
    return await sensitivityScan(loaded, data, {
      ratios: SENSITIVITY_RATIOS,
      method: spec.method,
      signal: ctx.signal,
      progress: (phase, done, total) => ctx.progress(phase, done, total),
    });
  } finally {
    tf.dispose(owned);
  }
}
