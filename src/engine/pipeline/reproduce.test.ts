/**
 * Reproduction is deterministic where the platform allows (issue 11): on cpu and on wasm with one
 * thread, the same recipe and seed — fine-tuning included — give byte-identical files.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DatasetSplit } from '../data/types';
import { disposeLoaded } from '../model/load';
import type { LoadedModel } from '../model/loaded';
import { sha256OfParts } from '../metrics/size';
import { PRUNE_METHOD_DEFAULTS } from '../techniques/prune/meta';
import { TECHNIQUES } from '../techniques/registry';
import type { TechniqueOutput } from '../techniques/types';
import { describeEachBackend } from '../test-utils/backends';
import { loadedLayers } from '../test-utils/model-fixtures';
import { denseClassifier, disposeSplit, mnistSplit } from '../test-utils/train-fixtures';
import { flatSplit } from '../techniques/distill/test-utils/distill-fixtures';
import { runRecipe } from './recipe';

const STEPS = [
  { technique: 'prune', config: { ...PRUNE_METHOD_DEFAULTS.magnitude, sparsity: 0.7, fineTune: { epochs: 1, batchSize: 16, learningRate: 0.001, optimizer: 'adam', seed: 3, maxBatchesPerEpoch: 4 } } },
  { technique: 'quantize', config: { method: 'ptq', default: 'uint8' } },
];

describeEachBackend('reproduction', () => {
  let input: LoadedModel;
  let train: DatasetSplit;
  let validation: DatasetSplit;
  beforeAll(async () => {
    input = await loadedLayers(denseClassifier({ inputs: 784, hidden: [16], classes: 10, seed: 5 }));
    const t = mnistSplit('train', 64);
    const v = mnistSplit('test', 32);
    train = flatSplit(t);
    validation = flatSplit(v);
    t.xs.dispose();
    v.xs.dispose();
  });
  afterAll(() => {
    disposeLoaded(input);
    disposeSplit(train);
    disposeSplit(validation);
  });

  const once = async () => {
    const outputs: TechniqueOutput[] = [];
    await runRecipe({
      input, steps: STEPS, data: { train, validation }, registry: TECHNIQUES, progress: () => {},
      openRef: async () => { throw new Error('unused'); },
      onOutput: async (o) => void outputs.push(o),
    });
    const final = outputs[outputs.length - 1];
    if (final.kind !== 'variant') throw new Error('expected a variant');
    return sha256OfParts(final.files.map((f) => f.bytes));
  };

  it('the same recipe and seed (fine-tune included) give byte-identical files', async () => {
    expect(await once()).toBe(await once());
  });
});
