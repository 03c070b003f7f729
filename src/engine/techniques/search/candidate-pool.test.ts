import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetSplit } from '../../data/types';
import { mulberry32 } from '../../runtime/random';
import { describeEachBackend } from '../../test-utils/backends';
import { disposeSplit, mnistSplit } from '../../test-utils/train-fixtures';
import { autoPoolSize, inlinePool, openPool } from './candidate-pool';
import { archLayers } from './layers';
import { sampleValid } from './operators';
import { deriveSpace } from './space';
import { trainCandidate, type TrainJob } from './train-candidate';

const bytesOf = (files: { path: string; bytes: Uint8Array }[]) => files.map((f) => `${f.path}:${Buffer.from(f.bytes).toString('base64')}`);

describe('autoPoolSize', () => {
  it('keeps one core for the page and the engine, trains on the rest (at most 4), and stays in the engine below 4 cores', () => {
    expect([undefined, 1, 2, 3, 4, 6, 16].map(autoPoolSize)).toEqual([1, 1, 1, 1, 3, 4, 4]);
  });
});

describeEachBackend('candidate pool', () => {
  let train: DatasetSplit;
  let validation: DatasetSplit;
  const space = deriveSpace([28, 28, 1], 10, { maxBlocks: 1, widths: [4], denseUnits: [8], maxDense: 1 });
  const job = (seed: number): TrainJob => ({
    layers: archLayers(sampleValid(space, { maxParams: 20_000 }, mulberry32(seed)), space),
    dataShape: [28, 28, 1], seed, settings: { epochs: 1, batchSize: 8, learningRate: 0.01, optimizer: 'adam', seed: 3 },
  });
  beforeAll(() => {
    train = mnistSplit('train', 32);
    validation = mnistSplit('test', 16);
  });
  afterAll(() => {
    disposeSplit(train);
    disposeSplit(validation);
  });

  it('two candidates trained at once, paused for timings in between, give the weights each gives alone', async () => {
    const alone = [await trainCandidate(job(1), { train, validation }), await trainCandidate(job(2), { train, validation })];
    const pool = inlinePool(2, { train, validation });
    let timings = 0;
    try {
      const running = [pool.train(job(1), {}), pool.train(job(2), {})];
      for (let i = 0; i < 3; i++) {
        await new Promise((r) => setTimeout(r, 1));
        await pool.exclusive(async () => void timings++);
      }
      const together = await Promise.all(running);
      expect(together.map((t) => bytesOf(t.files))).toEqual(alone.map((t) => bytesOf(t.files)));
      expect(together.map((t) => t.curve)).toEqual(alone.map((t) => t.curve));
      expect(timings).toBe(3);
    } finally {
      pool.dispose();
    }
  });

  it('a pool of one trains a second job only after the first ends; a cancelled job frees its member', async () => {
    const pool = inlinePool(1, { train, validation });
    const controller = new AbortController();
    const first = pool.train(job(1), { signal: controller.signal });
    const second = pool.train(job(2), {});
    controller.abort();
    await expect(first).rejects.toThrow();
    const done = await second;
    expect(done.files.map((f) => f.path)).toContain('model.json');
    pool.dispose();
  });

  it('shifted training images (the final retrain) change the weights, the same way every time', async () => {
    const plain = await trainCandidate(job(1), { train, validation });
    const shifted = await trainCandidate({ ...job(1), shiftPx: 2 }, { train, validation });
    const again = await trainCandidate({ ...job(1), shiftPx: 2 }, { train, validation });
    expect(bytesOf(shifted.files)).toEqual(bytesOf(again.files));
    expect(bytesOf(shifted.files)).not.toEqual(bytesOf(plain.files));
  });

  it('a pool that cannot start falls back to training here, and says why', async () => {
    const { pool, fallback } = await openPool(2, { train, validation }, async () => {
      throw new Error('Worker is not defined');
    });
    expect(pool.size).toBe(1);
    expect(fallback).toMatch(/a pool of 2 workers could not start \(Worker is not defined\)/);
    pool.dispose();
  });
});
