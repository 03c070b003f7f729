import { describe, expect, it } from 'vitest';
import { parseRecipeSteps } from './recipe-steps';

describe('recipe steps typed as JSON', () => {
  it('a Deep Compression recipe with a shorter fine-tune validates step by step', () => {
    const steps = parseRecipeSteps(JSON.stringify([
      { technique: 'prune', config: { method: 'magnitude', sparsity: 0.9, schedule: 'gradual', scope: 'global', fineTune: { epochs: 1, batchSize: 64, learningRate: 0.0005, optimizer: 'adam', seed: 1, maxBatchesPerEpoch: 4 } } },
      { technique: 'quantize', config: { method: 'cluster', k: 16 } },
    ]));
    expect(steps.map((s) => s.technique)).toEqual(['prune', 'quantize']);
  });

  it('refuses bad JSON, an empty list, an unknown technique and a bad setting, naming the step', () => {
    expect(() => parseRecipeSteps('[')).toThrow(/not valid JSON/);
    expect(() => parseRecipeSteps('[]')).toThrow(/1 to 10 steps/);
    expect(() => parseRecipeSteps('[{"technique":"__proto__","config":{}}]')).toThrow(/step 1: "__proto__" is not a technique/);
    expect(() => parseRecipeSteps('[{"technique":"quantize","config":{"method":"cluster","k":16}},{"technique":"quantize","config":{"method":"cluster","k":-3}}]')).toThrow(/recipe step 2 \(Quantize\)/);
  });
});
