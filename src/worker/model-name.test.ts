import { describe, expect, it } from 'vitest';
import { defaultModelName, fingerprintName } from './model-name';

const files = { kind: 'files' } as const;

describe('defaultModelName', () => {
  it.each([
    ['model.json', null],
    ['resnet.json', 'resnet'],
    ['mnist-cnn/model.json', 'mnist-cnn'],
    ['mnist-cnn/tfjs/model.json', 'mnist-cnn'],
    ['zip:tiny-sequential.zip/model/model.json', 'tiny-sequential'],
    ['zip:digits.zip/model.json', 'digits'],
    ['zip:model.zip/web_model/model.json', null],
    ['zip:export.zip/classifier.json', 'classifier'],
  ])('names the files %s as %s', (path, name) => {
    expect(defaultModelName(files, path)).toBe(name);
  });

  it('names a URL by its json stem, then its folders, then its host', () => {
    expect(defaultModelName({ kind: 'url', url: 'https://h.example/a/mobilenet/model.json' }, 'model.json')).toBe('mobilenet');
    expect(defaultModelName({ kind: 'url', url: 'https://h.example/a/b/tiny%20net.json' }, 'model.json')).toBe('tiny net');
    expect(defaultModelName({ kind: 'url', url: 'https://h.example/models/tfjs/model.json' }, 'model.json')).toBe('h.example');
    expect(defaultModelName({ kind: 'url', url: 'https://h.example/bad%E0/model.json' }, 'model.json')).toBe('bad%E0');
  });

  it('names a sample by its id', () => {
    expect(defaultModelName({ kind: 'sample', sampleId: 'lenet-5' }, 'model.json')).toBe('lenet-5');
  });

  it('falls back to the fingerprint', () => {
    expect(fingerprintName('3f2a1c9d0011')).toBe('model 3f2a1c9d');
  });
});
