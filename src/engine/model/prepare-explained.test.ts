import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BonsaiError } from '../errors';
import { describeEachBackend } from '../test-utils/backends';
import { BAD_INPUTS } from './bad-inputs.fixtures';
import { prepareModelExplained } from './prepare-explained';
import { climbsOut } from './shards';

const files = (id: string) => BAD_INPUTS.find((c) => c.id === id)!.files();

describe('climbsOut', () => {
  it('is true only for paths that lead above the model folder', () => {
    expect(climbsOut('../x.bin')).toBe(true);
    expect(climbsOut('a/../../x.bin')).toBe(true);
    expect(climbsOut('./../x.bin')).toBe(true);
    expect(climbsOut('%2e%2e/x.bin')).toBe(true);
    expect(climbsOut('x.bin')).toBe(false);
    for (const abs of ['/etc/passwd', 'C:\\win.ini', '\\\\server\\x.bin', 'file:///etc/passwd']) expect(climbsOut(abs), abs).toBe(true);
    expect(climbsOut('a/../x.bin')).toBe(false);
    expect(climbsOut('weights/x.bin')).toBe(false);
  });
});

describeEachBackend('prepareModelExplained', () => {
  it('names a declared shape that disagrees with its layer, with the file and the weight', async () => {
    const before = tf.memory().numTensors;
    const err = await prepareModelExplained(files('shape-vs-bytes')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BonsaiError);
    expect((err as BonsaiError).code).toBe('WEIGHT_SHAPE_MISMATCH');
    expect((err as BonsaiError).message).toMatch(/model\.json: weight "dense\/kernel" is declared with shape \[4, 4\].*expects \[4, 3\]/);
    expect((err as BonsaiError).file).toBe('model.json');
    expect(tf.memory().numTensors).toBe(before);
  });

  it('keeps the size error when the shapes agree (a really truncated file)', async () => {
    const err = await prepareModelExplained(files('shard-too-short')).catch((e: unknown) => e);
    expect((err as BonsaiError).code).toBe('SHARD_SIZE_MISMATCH');
  });

  it('says a "../" path climbs out of the folder rather than that a file is missing', async () => {
    const err = await prepareModelExplained(files('manifest-path-climbs-out')).catch((e: unknown) => e);
    expect((err as BonsaiError).code).toBe('SHARD_PATH_OUTSIDE');
    expect((err as BonsaiError).message).toContain('"../weights.bin"');
    expect((err as BonsaiError).file).toBe('tfjs/model.json');
  });
});
