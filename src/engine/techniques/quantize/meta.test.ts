import { describe, expect, it } from 'vitest';
import { BonsaiError } from '../../errors';
import { QUANTIZE_META, type QuantizeConfig } from './meta';
import { matchOverride } from './match';

const BAD: [string, unknown][] = [
  ['k too small', { method: 'cluster', k: 1 }],
  ['k too large', { method: 'cluster', k: 257 }],
  ['k not whole', { method: 'cluster', k: 3.5 }],
  ['per-layer k', { method: 'cluster', k: 16, perLayer: { conv1: 300 } }],
  ['unknown dtype', { method: 'ptq', default: 'int8' }],
  ['unknown per-layer dtype', { method: 'ptq', default: 'uint8', perLayer: { fc: 'int4' } }],
  ['negative budget', { method: 'auto', budget: { kind: 'accuracy-drop', points: -1 } }],
  ['NaN budget', { method: 'auto', budget: { kind: 'fidelity-drop', points: NaN } }],
  ['bad candidate', { method: 'auto', budget: { kind: 'accuracy-drop', points: 1 }, candidates: [{ clusters: 512 }] }],
  ['unknown method', { method: 'int2' }],
];

describe('quantize meta', () => {
  it('presets validate', () => {
    for (const p of QUANTIZE_META.presets) expect(QUANTIZE_META.validate(p.config)).toBe(p.config);
    expect(QUANTIZE_META.presets.map((p) => p.label)).toEqual(['float16 — safe', 'uint8 — 4× smaller', 'Cluster 16 — smallest', 'Auto within 0.5 pt', 'int8 runtime accuracy']);
  });
  it.each(BAD)('refuses %s with BAD_CONFIG', (_, config) => {
    expect(() => QUANTIZE_META.validate(config as QuantizeConfig)).toThrow(BonsaiError);
    try {
      QUANTIZE_META.validate(config as QuantizeConfig);
    } catch (e) {
      expect((e as BonsaiError).code).toBe('BAD_CONFIG');
    }
  });
  it('per-layer keys: exact beats glob beats substring', () => {
    const o = { fc: 'a', 'dense_*': 'b', dense_1: 'c' };
    expect(matchOverride(o, 'dense_1/kernel', 'dense_1')).toBe('c');
    expect(matchOverride(o, 'dense_2/kernel', 'dense_2')).toBe('b');
    expect(matchOverride(o, 'model/fc3/MatMul')).toBe('a');
    expect(matchOverride(o, 'conv/kernel', 'conv')).toBeUndefined();
  });
});
