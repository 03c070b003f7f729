import { describe, expect, it } from 'vitest';
import { DEFAULT_FINE_TUNE, type PruneConfig } from '../../engine/techniques/prune/meta';
import { sparseFineTuneHint } from './sparse-fine-tune-hint';

const magnitude = (sparsity: number, epochs?: number): PruneConfig => ({
  method: 'magnitude', sparsity, schedule: 'gradual', scope: 'global', ...(epochs === undefined ? {} : { fineTune: { ...DEFAULT_FINE_TUNE, epochs } }),
});

describe('sparseFineTuneHint', () => {
  it('warns at 90% zeros and above when the fine-tune is short, naming the sparsity, the epochs and the long recipe', () => {
    expect(sparseFineTuneHint(magnitude(0.9, 2))).toMatch(/^At 90% zeros, 2 epochs of fine-tuning is short: the sparse network under-fits/);
    expect(sparseFineTuneHint(magnitude(0.955, 1))).toMatch(/^At 95\.5% zeros, 1 epoch of fine-tuning is short/);
    expect(sparseFineTuneHint(magnitude(0.96, 29))).toContain('“Deep Compression, long fine-tune”');
  });
  it('says nothing below 90%, for a long fine-tune, without a fine-tune, or for other methods', () => {
    expect(sparseFineTuneHint(magnitude(0.89, 2))).toBeNull();
    expect(sparseFineTuneHint(magnitude(0.96, 30))).toBeNull();
    expect(sparseFineTuneHint(magnitude(0.96))).toBeNull();
    expect(sparseFineTuneHint({ method: 'structured', ratio: 0.95, norm: 'l1', fineTune: DEFAULT_FINE_TUNE })).toBeNull();
    expect(sparseFineTuneHint({ method: 'nm', n: 1, m: 16, fineTune: DEFAULT_FINE_TUNE })).toBeNull();
  });
});
