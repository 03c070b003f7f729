import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeEachBackend } from '../engine/test-utils/backends';
import { loadedLayers } from '../engine/test-utils/model-fixtures';
import { denseClassifier } from '../engine/test-utils/train-fixtures';
import { disposeModel, getModel, leaseModels, loadedModelCount, modelIdsIn, registerModel } from './models';
import type { ModelInfo } from './protocol';

async function register(): Promise<ModelInfo> {
  const built = denseClassifier({ inputs: 4, hidden: [3], classes: 2 });
  const loaded = await loadedLayers(built);
  return registerModel(loaded, {
    name: 'm', format: 'layers', source: { kind: 'files', label: 'test' },
    summary: {} as ModelInfo['summary'], warnings: [],
  });
}

it('modelIdsIn finds every modelId a job spec names, at any depth', () => {
  expect(modelIdsIn({ kind: 'evaluate', modelId: 'a', datasetId: 'd' })).toEqual(['a']);
  expect(modelIdsIn({ kind: 'benchmark', spec: { modelId: 'b', backends: ['cpu'] } })).toEqual(['b']);
  expect(modelIdsIn({ kind: 'save-candidate', parent: { modelId: 'c' }, files: [] })).toEqual(['c']);
  expect(modelIdsIn({ kind: 'load-dataset', source: { kind: 'images', modelId: 'd', files: [] } })).toEqual(['d']);
  expect(modelIdsIn({ kind: 'import', source: { kind: 'sample', sampleId: 'x' } })).toEqual([]);
});

describeEachBackend('a model a job uses outlives the UI dropping it', () => {
  it('is disposed when the job ends, not before', async () => {
    const before = tf.memory().numTensors;
    const info = await register();
    const count = loadedModelCount();
    const release = leaseModels([info.id]);
    disposeModel(info.id);
    // Still usable by the running job.
    expect(getModel(info.id).loaded.format).toBe('layers');
    release();
    release(); // idempotent
    expect(loadedModelCount()).toBe(count - 1);
    expect(() => getModel(info.id)).toThrow(/not loaded/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('two jobs on one model: freed after the second ends; a model nobody drops stays', async () => {
    const info = await register();
    const a = leaseModels([info.id]);
    const b = leaseModels([info.id]);
    disposeModel(info.id);
    a();
    expect(getModel(info.id).info.id).toBe(info.id);
    b();
    expect(() => getModel(info.id)).toThrow(/not loaded/);

    const kept = await register();
    leaseModels([kept.id])();
    expect(getModel(kept.id).info.id).toBe(kept.id);
    disposeModel(kept.id);
  });
});
