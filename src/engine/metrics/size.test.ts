import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { expect, it } from 'vitest';
import type { PreparedModel } from '../model/loaded';
import { describeEachBackend } from '../test-utils/backends';
import { loadedGraph, loadedLayers, opNode, placeholder } from '../test-utils/model-fixtures';
import { float32Bytes, gzipBytes, gzipSize, paramsOf, sha256Hex, sha256OfParts, storedBytes } from './size';

const text = (s: string) => new TextEncoder().encode(s);

function fakePrepared(json: string, shards: string[]): PreparedModel {
  return {
    format: 'layers',
    modelJsonPath: 'model.json',
    modelJsonBytes: text(json),
    modelJson: {},
    shards: shards.map((s, i) => ({ path: `group1-shard${i + 1}of${shards.length}.bin`, bytes: text(s) })),
    artifacts: {},
    warnings: [],
  };
}

it('sha256Hex hashes model.json then the shards in manifest order', async () => {
  // FIPS 180-2 test vector: SHA-256("abc").
  const abc = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
  expect(await sha256Hex(fakePrepared('a', ['b', 'c']))).toBe(abc);
  expect(await sha256OfParts([text('abc')])).toBe(abc);
  expect(await sha256Hex(fakePrepared('a', ['c', 'b']))).not.toBe(abc);
  // SHA-256 of no bytes.
  expect(await sha256OfParts([])).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
});

it('storedBytes and gzipBytes cover model.json and every shard, file by file', () => {
  const p = fakePrepared('{"x":1}', ['abcd', '']);
  expect(storedBytes(p)).toBe(7 + 4);
  expect(gzipBytes(p)).toBe(gzipSize(text('{"x":1}')) + gzipSize(text('abcd')) + gzipSize(text('')));
  // A gzip member is at least its 18 bytes of header and trailer.
  expect(gzipSize(new Uint8Array(0))).toBeGreaterThanOrEqual(18);
  expect(float32Bytes(1615)).toBe(6460);
});

describeEachBackend('size of real models', () => {
  it('many zero weights gzip far smaller than random ones of the same shard size', async () => {
    const make = (kernelInitializer: 'zeros' | 'glorotUniform') =>
      tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [200], units: 100, kernelInitializer })] });
    const zeros = make('zeros');
    const random = make('glorotUniform');
    const pz = (await loadedLayers(zeros)).prepared;
    const pr = (await loadedLayers(random)).prepared;
    expect(pz.shards[0].bytes.byteLength).toBe(4 * (200 * 100 + 100));
    expect(pr.shards[0].bytes.byteLength).toBe(pz.shards[0].bytes.byteLength);
    expect(storedBytes(pz)).toBe(pz.modelJsonBytes.byteLength + 4 * (200 * 100 + 100));
    expect(gzipBytes(pz) * 10).toBeLessThan(gzipBytes(pr));
    expect(gzipBytes(pr)).toBeLessThan(storedBytes(pr));
    zeros.dispose();
    random.dispose();
  });

  it('paramsOf a GraphModel counts float weights only', async () => {
    const loaded = await loadedGraph(
      [placeholder('x', [-1, 3]), opNode('mm', 'MatMul', ['x', 'w']), opNode('out', 'BiasAdd', ['mm', 'b'])],
      [
        { name: 'w', shape: [3, 2], values: [1, 2, 3, 4, 5, 6] },
        { name: 'b', shape: [2], values: [0, 0] },
      ],
    );
    expect(paramsOf(loaded)).toBe(8);
    // An int32 constant (e.g. a reshape target) in the manifest is not a parameter.
    const manifest = loaded.prepared.modelJson['weightsManifest'] as { weights: tf.io.WeightsManifestEntry[] }[];
    manifest[0].weights.push({ name: 'shape', shape: [2], dtype: 'int32' });
    expect(paramsOf(loaded)).toBe(8);
    loaded.model.dispose();
  });
});
