import * as tf from '@tensorflow/tfjs-core';
import { loadGraphModel } from '@tensorflow/tfjs-converter';
import { expect, it } from 'vitest';
import { BonsaiError } from '../../errors';
import type { LoadedModel } from '../../model/loaded';
import { describeEachBackend } from '../../test-utils/backends';
import { constNode, loadedGraph, opNode, placeholder, prepareFromArtifacts } from '../../test-utils/model-fixtures';
import type { TechniqueContext } from '../types';
import { runPrune } from './run';
import { storedFloats, zeros } from './test-utils/prune-fixtures';

const quiet: TechniqueContext = { progress: () => {} };
const values = (n: number, seed: number) => Array.from({ length: n }, (_, i) => Math.sin((i + 1) * seed));

/** x[?, 40] → MatMul w1[40, 30] → BiasAdd b → Relu → MatMul w2[30, 40] (uint8-quantized in the manifest). */
async function twoLayerGraph(): Promise<LoadedModel> {
  const w1 = new Float32Array(values(1200, 1.3));
  const b = new Float32Array(values(30, 0.7));
  const w2 = Uint8Array.from(values(1200, 2.1), (v) => Math.round((v + 1) * 127));
  const data = new Uint8Array(w1.byteLength + b.byteLength + w2.byteLength);
  data.set(new Uint8Array(w1.buffer), 0);
  data.set(new Uint8Array(b.buffer), w1.byteLength);
  data.set(w2, w1.byteLength + b.byteLength);
  const mm = { transpose_a: { b: false }, transpose_b: { b: false } };
  const prepared = prepareFromArtifacts('graph', {
    format: 'graph-model',
    modelTopology: {
      node: [
        constNode({ name: 'w1', shape: [40, 30], values: [] }), constNode({ name: 'b', shape: [30], values: [] }), constNode({ name: 'w2', shape: [30, 40], values: [] }),
        placeholder('x', [-1, 40]), opNode('mm1', 'MatMul', ['x', 'w1'], mm), opNode('ba', 'BiasAdd', ['mm1', 'b']), opNode('relu', 'Relu', ['ba']), opNode('out', 'MatMul', ['relu', 'w2'], mm),
      ],
      versions: { producer: 1 },
    },
    weightSpecs: [
      { name: 'w1', shape: [40, 30], dtype: 'float32' },
      { name: 'b', shape: [30], dtype: 'float32' },
      { name: 'w2', shape: [30, 40], dtype: 'float32', quantization: { dtype: 'uint8', scale: 1 / 127, min: -1 } },
    ],
    weightData: data.buffer,
  });
  return { format: 'graph', model: await loadGraphModel(tf.io.fromMemory(prepared.artifacts)), prepared };
}

describeEachBackend('runPrune (GraphModel)', () => {
  it('one-shot: float32 kernels zeroed in the shard, quantized ones kept and listed, fidelity measured', async () => {
    const input = await twoLayerGraph();
    const xs = tf.randomUniform([64, 40], 0, 1, 'float32', 5);
    const before = input.prepared.shards[0].bytes.slice();
    try {
      const r = await runPrune(input, { method: 'magnitude', sparsity: 0.6, schedule: 'one-shot', scope: 'global' }, { validation: { xs, ys: null, count: 64 } }, quiet);
      expect(input.prepared.shards[0].bytes).toEqual(before);
      const w = storedFloats(r.files);
      expect(zeros(w.get('w1')!)).toBe(720);
      expect(zeros(w.get('b')!)).toBe(0);
      expect(r.perLayer).toEqual([{ layer: 'w1', params: 1200, zeros: 720, sparsity: 0.6, status: 'pruned' }]);
      const notes = r.notes.join(' ');
      expect(notes).toMatch(/Kept as stored \(not float32\): w2 \(uint8\)/);
      expect(notes).toMatch(/Fidelity to the original on 64 examples: [\d.]+% top-1 agreement/);
      expect(r.files.map((f) => f.path)).toEqual(['model.json', 'group1-shard1of1.bin']);
      expect(r.files[1].bytes.byteLength).toBe(before.byteLength);
    } finally {
      xs.dispose();
      input.model.dispose();
    }
  });

  it('refuses what a GraphModel cannot do: gradual, N:M, unknown weight names', async () => {
    const input = await loadedGraph(
      [placeholder('x', [-1, 40]), opNode('mm', 'MatMul', ['x', 'w'], { transpose_a: { b: false }, transpose_b: { b: false } })],
      [{ name: 'w', shape: [40, 30], values: values(1200, 0.3) }],
    );
    const codeOf = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => (e instanceof BonsaiError ? e.code : String(e)));
    try {
      expect(await codeOf(runPrune(input, { method: 'magnitude', sparsity: 0.5, schedule: 'gradual', scope: 'global', fineTune: { epochs: 1, batchSize: 8, learningRate: 0.01, optimizer: 'sgd', seed: 1 } }, {}, quiet))).toBe('NOT_TRAINABLE');
      expect(await codeOf(runPrune(input, { method: 'nm', n: 2, m: 4 }, {}, quiet))).toBe('NOT_TRAINABLE');
      expect(await codeOf(runPrune(input, { method: 'magnitude', sparsity: 0.5, schedule: 'one-shot', scope: 'global', skip: ['nope'] }, {}, quiet))).toBe('BAD_CONFIG');
      const r = await runPrune(input, { method: 'magnitude', sparsity: 0.25, schedule: 'one-shot', scope: 'per-layer' }, {}, quiet);
      expect(zeros(storedFloats(r.files).get('w')!)).toBe(300);
      expect(r.notes.join(' ')).toMatch(/No data loaded: fidelity to the original was not measured/);
    } finally {
      input.model.dispose();
    }
  });
});
