import type { VariantRecord } from '../records';

const SHA = 'a'.repeat(64);
const PARENT = 'b'.repeat(64);
const metrics = { params: 10, nonZeroParams: 5, storedBytes: 100, gzipBytes: 50, flops: null, flopsUnknown: 'why', residentBytes: null, accuracy: 0.9 };

/** A valid version-1 variant record for tests. */
export const RECORD: VariantRecord = {
  schema: 1,
  id: SHA,
  parentId: PARENT,
  parentRef: { kind: 'sample', sampleId: 'lenet-5' },
  parentName: 'lenet-5',
  name: 'lenet-5 · 90% sparse',
  format: 'layers',
  steps: [{ technique: 'prune', config: { method: 'magnitude', sparsity: 0.9 } }],
  createdAt: 1,
  report: {
    steps: [{ technique: 'prune', config: { method: 'magnitude', sparsity: 0.9 } }],
    step: 'pruned',
    perLayer: [{ layer: 'd1', sparsity: 0.9, status: null }],
    notes: ['n'],
    before: metrics,
    after: { ...metrics, accuracy: null, accuracyUnknown: 'no labels' },
    fidelity: { agreement: 0.99, meanKL: 0.01, count: 100, inputs: 'test split' },
    latency: [{ backend: 'wasm', batchSize: 1, beforeMs: 1, afterMs: 1, ratio: 1, device: { backend: 'wasm', userAgent: 'x', extra: 1 } as never }],
    data: '7,000 train / 1,000 validation (seed 7) / 2,000 test',
  },
};

