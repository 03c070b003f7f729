/**
 * Corpus cases about the container: model.json as text (not JSON, too deep, prototype keys),
 * weight paths that climb out of the model's folder, and zips (no model, two models, bombs,
 * corrupt archives).
 */
import type { ErrorCode } from '../../src/engine/errors';
import {
  denseWeightBytes, graphModelJson, jsonFile, modelFiles, sequentialModelJson, SHARD, textFile,
} from '../../src/engine/model/valid-models.fixtures';
import type { InputFile } from '../../src/engine/model/types';
import type { CorpusCase } from './types';
import { withDeclaredSize, zipOf } from './zip';

const model = (id: string, description: string, code: ErrorCode, files: InputFile[], extra: Partial<CorpusCase> = {}): CorpusCase =>
  ({ id, kind: 'model', description, expect: { code }, files, ...extra });
const bin = (): InputFile => ({ path: SHARD, bytes: denseWeightBytes() });
const seqText = () => JSON.stringify(sequentialModelJson());

function jsonCases(): CorpusCase[] {
  const out: CorpusCase[] = [];
  const text = (id: string, description: string, code: ErrorCode, t: string) => out.push(model(id, description, code, [textFile('model.json', t), bin()]));
  const s = seqText();
  for (const n of [10, 30, 100, 500, s.length - 1]) text(`json-truncated-${n}`, `model.json cut after ${n} characters`, 'NOT_JSON', s.slice(0, n));
  text('json-empty-object', 'model.json is {}', 'NOT_A_MODEL', '{}');
  text('json-array', 'model.json is an array', 'NOT_A_MODEL', '[]');
  text('json-string', 'model.json is a string', 'NOT_A_MODEL', '"model"');
  text('json-null', 'model.json is null', 'NOT_A_MODEL', 'null');
  text('json-number', 'model.json is 42', 'NOT_A_MODEL', '42');
  text('json-topology-string', 'modelTopology is a string', 'NOT_A_MODEL', '{"modelTopology":"Sequential"}');
  text('json-nan-literal', 'a NaN literal (Python json.dumps)', 'NOT_JSON', s.replace('"units":3', '"units":NaN'));
  text('json-trailing-comma', 'a trailing comma', 'NOT_JSON', s.replace(/}$/, ',}'));
  text('json-comment', 'a // comment', 'NOT_JSON', `// exported\n${s}`);
  text('json-single-quotes', 'single-quoted keys', 'NOT_JSON', s.replace(/"/g, "'"));
  text('json-html', 'model.json is a web page', 'NOT_JSON', '<!DOCTYPE html><html><body>Sign in</body></html>');
  text('json-utf16', 'model.json saved as UTF-16', 'NOT_JSON', `\uFEFF${s}`.split('').join('\u0000'));
  text('json-binary', 'model.json is binary noise', 'NOT_JSON', String.fromCharCode(...Array.from({ length: 200 }, (_, i) => (i * 37) % 256)));
  text('json-two-documents', 'two JSON documents back to back', 'NOT_JSON', s + s);
  for (const depth of [101, 200, 1000, 5000]) {
    text(`json-deep-array-${depth}`, `an array nested ${depth} deep in modelTopology`, 'JSON_TOO_DEEP', s.replace('"backend"', `"deep":${'['.repeat(depth)}${']'.repeat(depth)},"backend"`));
    text(`json-deep-object-${depth}`, `an object nested ${depth} deep in userDefinedMetadata`, 'JSON_TOO_DEEP',
      s.replace(/}$/, `,"userDefinedMetadata":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`));
  }
  text('json-deep-unbalanced', '50,000 opening brackets and nothing else', 'JSON_TOO_DEEP', '['.repeat(50_000));
  // Brackets inside strings are text, not nesting: this model is fine, but its weights are absent.
  out.push(model('json-brackets-in-strings', 'deep brackets inside a string (not nesting), no .bin selected', 'MISSING_SHARD',
    [textFile('model.json', s.replace('"generatedBy":"bonsai fixtures"', `"generatedBy":"${'['.repeat(5000)}"`))]));

  const positions: [string, (key: string) => string][] = [
    ['top', (k) => s.replace(/^{/, `{"${k}":{"polluted":true},`)],
    ['topology', (k) => s.replace('"keras_version"', `"${k}":{"polluted":true},"keras_version"`)],
    ['config', (k) => s.replace('"name":"tiny_sequential"', `"name":"tiny_sequential","${k}":{"polluted":true}`)],
    ['layer-config', (k) => s.replace('"units":3', `"units":3,"${k}":{"polluted":true}`)],
    ['initializer', (k) => s.replace('"class_name":"Zeros","config":{}', `"class_name":"Zeros","config":{"${k}":{"polluted":true}}`)],
    ['weight-spec', (k) => s.replace('"dtype":"float32"}', `"dtype":"float32","${k}":{"polluted":true}}`)],
    ['manifest-group', (k) => s.replace('"paths"', `"${k}":{"polluted":true},"paths"`)],
    ['user-metadata', (k) => s.replace(/}$/, `,"userDefinedMetadata":{"${k}":{"polluted":true}}}`)],
    ['value-array', (k) => s.replace('"batch_input_shape":[null,4]', `"batch_input_shape":[null,4],"extra":[{"${k}":1}]`)],
    ['escaped', (k) => s.replace(/^{/, `{"${k.replace(/_/g, '\\u005f').replace(/o/g, '\\u006f')}":{"polluted":true},`)],
  ];
  for (const key of ['__proto__', 'constructor', 'prototype']) {
    for (const [where, make] of positions) text(`proto-${key.replace(/_/g, '')}-${where}`, `a "${key}" key (${where})`, 'UNSAFE_JSON_KEY', make(key));
  }
  const graphText = JSON.stringify(graphModelJson());
  for (const key of ['__proto__', 'constructor', 'prototype']) {
    out.push(model(`proto-${key.replace(/_/g, '')}-graph-attr`, `graph: a "${key}" key inside a node's attr`, 'UNSAFE_JSON_KEY',
      [textFile('model.json', graphText.replace('"transpose_a"', `"${key}":{"b":true},"transpose_a"`)), bin()]));
    const weightName = seqText().replace('"dense/bias"', `"${key}"`);
    out.push(model(`proto-weight-name-${key.replace(/_/g, '')}`, `a weight named "${key}"`, 'UNSAFE_WEIGHT_NAME', [textFile('model.json', weightName), bin()]));
    out.push(model(`proto-layer-name-${key.replace(/_/g, '')}`, `a layer named "${key}"`, 'BAD_TOPOLOGY',
      [textFile('model.json', seqText().replace('"name":"dense"', `"name":"${key}"`)), bin()]));
    out.push(model(`proto-node-name-${key.replace(/_/g, '')}`, `graph: a node named "${key}"`, 'BAD_TOPOLOGY',
      [textFile('model.json', graphText.replace('"name":"y"', `"name":"${key}"`)), bin()]));
  }
  return out;
}

const TRAVERSALS: [string, string, ErrorCode][] = [
  ['parent', '../weights.bin', 'SHARD_PATH_OUTSIDE'],
  ['grandparent', '../../weights.bin', 'SHARD_PATH_OUTSIDE'],
  ['etc-passwd', '../../../../etc/passwd', 'SHARD_PATH_OUTSIDE'],
  ['inner-climb', 'a/../../weights.bin', 'SHARD_PATH_OUTSIDE'],
  ['dot-climb', './../weights.bin', 'SHARD_PATH_OUTSIDE'],
  ['encoded', '%2e%2e/weights.bin', 'SHARD_PATH_OUTSIDE'],
  ['encoded-slash', '..%2fweights.bin', 'SHARD_PATH_OUTSIDE'],
  ['backslash', '..\\weights.bin', 'SHARD_PATH_OUTSIDE'],
  ['absolute', '/etc/passwd', 'SHARD_PATH_OUTSIDE'],
  ['absolute-windows', 'C:\\Windows\\win.ini', 'SHARD_PATH_OUTSIDE'],
  ['file-url', 'file:///etc/passwd', 'SHARD_PATH_OUTSIDE'],
  ['unc', '\\\\server\\share\\weights.bin', 'SHARD_PATH_OUTSIDE'],
  ['query-climb', '../weights.bin?v=1', 'SHARD_PATH_OUTSIDE'],
  ['empty', '', 'BAD_WEIGHT_SPEC'],
  ['spaces', '   ', 'BAD_WEIGHT_SPEC'],
  ['number', 7 as unknown as string, 'BAD_WEIGHT_SPEC'],
  ['not-selected', 'weights/other.bin', 'MISSING_SHARD'],
];

function pathCases(): CorpusCase[] {
  const out: CorpusCase[] = [];
  for (const [name, path, code] of TRAVERSALS) {
    const json = sequentialModelJson() as { weightsManifest: { paths: string[] }[] };
    json.weightsManifest[0].paths = [path];
    out.push(model(`path-${name}`, `the manifest names ${JSON.stringify(path)}`, code, modelFiles(json, undefined, 'tfjs/')));
    out.push(model(`path-${name}-zip`, `in a zip, the manifest names ${JSON.stringify(path)}`, code, [zipOf('model.zip', modelFiles(json))]));
  }
  return out;
}

function zipCases(): CorpusCase[] {
  const out: CorpusCase[] = [];
  const seq = () => modelFiles(sequentialModelJson());
  const graph = () => modelFiles(graphModelJson());
  out.push(model('zip-only-bin', 'a zip holding only the .bin', 'NO_MODEL_JSON', [zipOf('w.zip', [bin()])]));
  out.push(model('zip-only-readme', 'a zip holding only a README', 'NO_MODEL_JSON', [zipOf('w.zip', [textFile('README.md', '# model')])]));
  out.push(model('zip-empty', 'a zip with no entries', 'EMPTY_FILE', [zipOf('empty.zip', [])]));
  out.push(model('zip-only-macos', 'a zip holding only __MACOSX/model.json', 'NO_MODEL_JSON', [zipOf('mac.zip', [textFile('__MACOSX/model.json', '{}'), bin()])]));
  out.push(model('zip-only-dotfile', 'a zip holding only .model.json', 'NO_MODEL_JSON', [zipOf('dot.zip', [textFile('.hidden/model.json', '{}'), bin()])]));
  out.push(model('zip-in-zip', 'a zip holding a zip of the model', 'NO_MODEL_JSON', [zipOf('outer.zip', [zipOf('inner.zip', seq())])]));
  out.push(model('zip-two-folders', 'a zip with a/model.json and b/model.json', 'MULTIPLE_MODEL_JSON',
    [zipOf('two.zip', [...modelFiles(sequentialModelJson(), undefined, 'a/'), ...modelFiles(graphModelJson(), undefined, 'b/')])]));
  out.push(model('zip-two-cases', 'a zip with model.json and MODEL.JSON', 'MULTIPLE_MODEL_JSON', [zipOf('two.zip', [...seq(), textFile('MODEL.JSON', '{}')])]));
  out.push(model('zip-two-zips', 'two zips, each with a model', 'MULTIPLE_MODEL_JSON', [zipOf('a.zip', seq()), zipOf('b.zip', graph())]));
  out.push(model('zip-plus-loose-model', 'a zip with a model, plus a loose model.json', 'MULTIPLE_MODEL_JSON', [zipOf('a.zip', seq()), textFile('model.json', '{}')]));
  out.push(model('zip-two-jsons-no-model', 'a zip with a.json and b.json, no model.json', 'NO_MODEL_JSON', [zipOf('j.zip', [textFile('a.json', '{}'), textFile('b.json', '{}'), bin()])]));
  for (const size of [0x4000_0001, 0xffff_ffff]) {
    out.push(model(`zip-declares-${size}`, `a zip whose entries declare ${size} bytes each`, 'ZIP_TOO_LARGE', [withDeclaredSize(zipOf('bomb.zip', seq()), size)]));
  }
  out.push(model('zip-entry-declares-600mb', 'one zip entry declaring 600 MB, over the 512 MB per-file cap', 'FILE_TOO_LARGE',
    [withDeclaredSize(zipOf('bomb.zip', [textFile('model.json', '{}')]), 600 * 1024 * 1024)]));
  out.push(model('zip-bomb-small-cap', '1 MB of zeros (1 KB zipped) under a 64 KB inflate cap', 'ZIP_TOO_LARGE',
    [zipOf('bomb.zip', [{ path: 'model.json', bytes: new Uint8Array(1024 * 1024) }], 9)], { limits: { maxZipInflatedBytes: 64 * 1024 } }));
  out.push(model('zip-too-many-entries', '40 entries under a 32-entry cap', 'ZIP_TOO_LARGE',
    [zipOf('many.zip', [...seq(), ...Array.from({ length: 38 }, (_, i) => textFile(`extra/${i}.txt`, 'x'))])], { limits: { maxZipEntries: 32 } }));
  out.push(model('zip-entry-over-file-cap', 'an entry larger than a 32 KB per-file cap', 'FILE_TOO_LARGE',
    [zipOf('big.zip', [...seq(), { path: 'big.bin', bytes: new Uint8Array(64 * 1024) }], 9)], { limits: { maxFileBytes: 32 * 1024 } }));
  out.push(model('zip-lying-size', 'an entry that inflates past the size it declares (100 bytes): read no further than declared', 'NOT_JSON',
    [withDeclaredSize(zipOf('liar.zip', [{ path: 'model.json', bytes: new Uint8Array(1024 * 1024).fill(32) }], 9), 100)]));
  const good = zipOf('model.zip', seq()).bytes;
  for (const n of [4, 22, 30, 64, 200, good.length - 22, good.length - 1]) {
    out.push(model(`zip-truncated-${n}`, `a zip cut to ${n} bytes`, 'ZIP_INVALID', [{ path: 'model.zip', bytes: good.slice(0, n) }]));
  }
  out.push(model('zip-empty-file', 'a 0-byte .zip', 'EMPTY_FILE', [{ path: 'model.zip', bytes: new Uint8Array(0) }]));
  out.push(model('zip-not-a-zip', 'a model.json renamed .zip', 'ZIP_INVALID', [{ path: 'model.zip', bytes: new TextEncoder().encode(seqText()) }]));
  out.push(model('zip-png-renamed', 'a PNG renamed .zip', 'ZIP_INVALID', [{ path: 'model.zip', bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10, 0, 0, 0, 13]) }]));
  out.push(model('zip-entry-climbs', 'zip entries named ../model.json and ../w.bin (nothing is written to disk; the json is empty)', 'NOT_A_MODEL',
    [zipOf('evil.zip', [textFile('../model.json', '{}'), { path: `../${SHARD}`, bytes: denseWeightBytes() }])]));
  return out;
}

function selectionCases(): CorpusCase[] {
  return [
    model('no-files-json', 'only .bin files', 'NO_MODEL_JSON', [bin()]),
    model('two-model-json', 'two model.json in two folders', 'MULTIPLE_MODEL_JSON', [...modelFiles(sequentialModelJson(), undefined, 'a/'), ...modelFiles(graphModelJson(), undefined, 'b/')]),
    model('two-other-jsons', 'a.json and b.json, no model.json', 'NO_MODEL_JSON', [jsonFile('a.json', sequentialModelJson()), jsonFile('b.json', graphModelJson()), bin()]),
    model('empty-model-json', 'a 0-byte model.json', 'EMPTY_FILE', [{ path: 'model.json', bytes: new Uint8Array(0) }, bin()]),
    model('file-over-cap', 'a 4 KB .bin under a 1 KB per-file cap', 'FILE_TOO_LARGE', [...modelFiles(sequentialModelJson()), { path: 'x.bin', bytes: new Uint8Array(4096) }], { limits: { maxFileBytes: 1024 } }),
    model('total-over-cap', 'files adding up past a 2 KB total cap', 'FILE_TOO_LARGE',
      [...modelFiles(sequentialModelJson()), ...Array.from({ length: 4 }, (_, i) => ({ path: `x${i}.bin`, bytes: new Uint8Array(900) }))], { limits: { maxTotalBytes: 2048 } }),
  ];
}

export function containerCases(): CorpusCase[] {
  return [...jsonCases(), ...pathCases(), ...zipCases(), ...selectionCases()];
}
