import { describe, expect, it } from 'vitest';
import { RECORD } from '../share/test-utils/record-fixture';
import type { ModelInfo } from '../worker/protocol';
import { initialState, selectCurrentRecord, useStore } from './store';

const model = (id: string, sha256: string) => ({ id, name: id, summary: { sha256 } }) as unknown as ModelInfo;

describe('result cards are keyed by the variant, not by the engine session', () => {
  it('after an engine restart a new model under a reused worker id never shows an old card', () => {
    useStore.setState({ ...initialState, models: { m1: model('m1', RECORD.id) }, currentModelId: 'm1', variantRecords: { [RECORD.id]: RECORD } });
    expect(selectCurrentRecord(useStore.getState())).toBe(RECORD);
    // The restarted engine hands out 'm1' again, for an unrelated model: no card attaches.
    useStore.setState({ models: { m1: model('m1', 'f'.repeat(64)) }, currentModelId: 'm1' });
    expect(selectCurrentRecord(useStore.getState())).toBeUndefined();
    // The variant itself, reopened under any id, finds its card again.
    useStore.setState({ models: { x9: model('x9', RECORD.id) }, currentModelId: 'x9' });
    expect(selectCurrentRecord(useStore.getState())).toBe(RECORD);
  });
});
