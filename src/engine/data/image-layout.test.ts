import { describe, expect, it } from 'vitest';
import { BonsaiError } from '../errors';
import { isImagePath, logicalPath, planImageFiles, resolveImageTarget } from './image-layout';

const paths = (...ps: string[]) => ps.map((path) => ({ path }));

function codeOf(fn: () => unknown): { code: string; message: string; hint?: string } {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(BonsaiError);
    return e as BonsaiError;
  }
  throw new Error('expected a BonsaiError');
}

describe('image paths', () => {
  it('recognises image extensions case-insensitively', () => {
    for (const p of ['a.png', 'b/C.JPG', 'x.jpeg', 'y.gif', 'z.bmp', 'w.WebP']) expect(isImagePath(p)).toBe(true);
    for (const p of ['a.txt', 'png', '.png', 'model.json', 'a.png.zip', 'a.tiff']) expect(isImagePath(p)).toBe(false);
  });

  it('maps zip entries to a folder named after the zip', () => {
    expect(logicalPath('zip:pets.zip/cat/1.png')).toBe('pets/cat/1.png');
    expect(logicalPath('zip:Cat.ZIP/1.png')).toBe('Cat/1.png');
    expect(logicalPath('/a/./b/../c.png')).toBe('a/c.png');
  });
});

describe('planImageFiles', () => {
  it('strips the common wrapper, sorts classes and images, ignores non-images', () => {
    const plan = planImageFiles(
      paths('pets/dog/b.png', 'pets/cat/2.jpg', 'pets/notes.txt', 'pets/cat/1.png', 'pets/.DS_Store', 'pets/__MACOSX/cat/x.png'),
      true,
    );
    expect(plan.root).toBe('pets');
    expect(plan.classNames).toEqual(['cat', 'dog']);
    expect(plan.images.map((i) => [i.path, i.classIndex])).toEqual([
      ['pets/cat/1.png', 0],
      ['pets/cat/2.jpg', 0],
      ['pets/dog/b.png', 1],
    ]);
    expect(plan.images.map((i) => i.fileIndex)).toEqual([3, 1, 0]);
    expect(plan.ignoredFiles).toEqual(['pets/notes.txt']);
  });

  it('sorts classes by code point and keeps sub-sub-folders in their class', () => {
    const plan = planImageFiles(paths('b/x/1.png', 'B/2.png', 'a/3.png'), true);
    expect(plan.root).toBe('');
    expect(plan.classNames).toEqual(['B', 'a', 'b']);
  });

  it('reads a zip of a class tree, and separate per-class zips', () => {
    expect(planImageFiles(paths('zip:pets.zip/pets/cat/1.png', 'zip:pets.zip/pets/dog/1.png'), true).classNames).toEqual([
      'cat',
      'dog',
    ]);
    expect(planImageFiles(paths('zip:cat.zip/1.png', 'zip:dog.zip/1.png'), true).classNames).toEqual(['cat', 'dog']);
  });

  it('leaves images outside class folders out (and lists them)', () => {
    const plan = planImageFiles(paths('p/cat/1.png', 'p/dog/1.png', 'p/cover.png'), true);
    expect(plan.looseImages).toEqual(['p/cover.png']);
    expect(plan.images).toHaveLength(2);
  });

  it('refuses one class with a hint on the layout', () => {
    const one = codeOf(() => planImageFiles(paths('pets/cat/1.png', 'pets/cat/2.png'), true));
    expect(one.code).toBe('ONE_CLASS_ONLY');
    expect(one.message).toMatch(/"cat"/);
    expect(one.hint).toMatch(/sub-folder/);
    const flat = codeOf(() => planImageFiles(paths('1.png', '2.png'), true));
    expect(flat.code).toBe('ONE_CLASS_ONLY');
    expect(codeOf(() => planImageFiles(paths('p/cat/1.png', 'p/2.png'), true)).code).toBe('ONE_CLASS_ONLY');
  });

  it('unlabeled takes every image, class folders or not', () => {
    const plan = planImageFiles(paths('x/a/1.png', 'x/2.png', 'x/readme.md'), false);
    expect(plan.images.map((i) => i.classIndex)).toEqual([-1, -1]);
    expect(plan.classNames).toEqual([]);
    expect(plan.ignoredFiles).toEqual(['x/readme.md']);
  });

  it('NO_IMAGES names what was dropped', () => {
    const e = codeOf(() => planImageFiles(paths('model.json', 'w.bin'), true));
    expect(e.code).toBe('NO_IMAGES');
    expect(e.message).toMatch(/model\.json/);
    expect(codeOf(() => planImageFiles([], false)).code).toBe('NO_IMAGES');
  });
});

describe('resolveImageTarget', () => {
  it('reads [H, W, C], [H, W] and square flat inputs', () => {
    expect(resolveImageTarget([28, 28, 1])).toMatchObject({ height: 28, width: 28, channels: 1 });
    expect(resolveImageTarget([32, 16, 3])).toMatchObject({ height: 32, width: 16, channels: 3 });
    expect(resolveImageTarget([5, 7, 4])).toMatchObject({ height: 5, width: 7, channels: 4 });
    expect(resolveImageTarget([28, 20])).toMatchObject({ height: 28, width: 20, channels: 1, exampleShape: [28, 20] });
    expect(resolveImageTarget([784])).toMatchObject({ height: 28, width: 28, channels: 1, exampleShape: [784] });
    expect(resolveImageTarget([3072])).toMatchObject({ height: 32, width: 32, channels: 3 });
  });

  it('refuses channel counts images cannot fill, and channels-first', () => {
    const two = codeOf(() => resolveImageTarget([28, 28, 2]));
    expect(two.code).toBe('CHANNEL_MISMATCH');
    expect(two.message).toMatch(/2 channels/);
    expect(codeOf(() => resolveImageTarget([3, 224, 224])).message).toMatch(/channels-first/);
  });

  it('refuses shapes with no inferable image size', () => {
    expect(codeOf(() => resolveImageTarget([10])).code).toBe('WRONG_INPUT_SHAPE');
    expect(codeOf(() => resolveImageTarget([-1, -1, 3])).code).toBe('WRONG_INPUT_SHAPE');
    expect(codeOf(() => resolveImageTarget([2, 2, 2, 2])).code).toBe('WRONG_INPUT_SHAPE');
    expect(codeOf(() => resolveImageTarget([])).code).toBe('WRONG_INPUT_SHAPE');
    expect(codeOf(() => resolveImageTarget([5000, 5000, 3])).code).toBe('WRONG_INPUT_SHAPE');
  });
});
