/** Read the committed corpus back: manifest.json and each case's files (recipes expanded). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { InputFile } from '../../src/engine/model/types';
import { CORPUS_DIR } from './cases';
import { RECIPES } from './recipes';
import type { CorpusCase, ManifestCase } from './types';

export function corpusManifest(cases: CorpusCase[]): ManifestCase[] {
  return cases.map(({ files, ...rest }) => (files ? { ...rest, files: files.map((f) => f.path) } : rest));
}

export function readCorpusManifest(dir = CORPUS_DIR): ManifestCase[] {
  return JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as ManifestCase[];
}

export function corpusFiles(c: ManifestCase, dir = CORPUS_DIR): InputFile[] {
  if (c.recipe) {
    const make = RECIPES[c.recipe];
    if (!make) throw new Error(`bad corpus: case ${c.id} names an unknown recipe ${c.recipe}`);
    return make();
  }
  return (c.files ?? []).map((p) => ({ path: p, bytes: new Uint8Array(readFileSync(path.join(dir, c.id, p))) }));
}
