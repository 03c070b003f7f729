/**
 * Corpus cases too large to commit: the manifest names the recipe, the test makes the files.
 * Each recipe is deterministic and takes well under a second.
 */
import { sequentialModelJson, graphModelJson, textFile, SHARD, denseWeightBytes } from '../../src/engine/model/valid-models.fixtures';
import type { InputFile } from '../../src/engine/model/types';
import type { CorpusCase } from './types';
import { zipOf } from './zip';

const MB = 1024 * 1024;
const bin = (): InputFile => ({ path: SHARD, bytes: denseWeightBytes() });

export const RECIPES: Record<string, () => InputFile[]> = {
  'deep-json-1e6': () => [textFile('model.json', `{"modelTopology":${'['.repeat(1_000_000)}`), bin()],
  'huge-json-4mb': () => {
    const j = sequentialModelJson();
    j.userDefinedMetadata = { notes: 'x'.repeat(4 * MB) };
    return [textFile('model.json', JSON.stringify(j)), bin()];
  },
  'huge-graph-100k-nodes': () => {
    const j = graphModelJson() as { modelTopology: { node: unknown[] } };
    const nodes = j.modelTopology.node;
    for (let i = 0; i < 100_000; i++) nodes.push({ name: `n${i}`, op: i % 2 ? 'Identity' : 'FancyOp', input: [i ? `n${i - 1}` : 'y'] });
    return [textFile('model.json', JSON.stringify(j)), bin()];
  },
  'huge-sequential-20k-layers': () => {
    const j = sequentialModelJson() as { modelTopology: { config: { layers: unknown[] } } };
    const layers = j.modelTopology.config.layers;
    for (let i = 0; i < 20_000; i++) layers.push({ class_name: 'Activation', config: { name: `act_${i}`, activation: 'relu' } });
    layers.push({ class_name: 'FancyAttention', config: { name: 'fancy' } });
    return [textFile('model.json', JSON.stringify(j)), bin()];
  },
  'zip-bomb-64mb': () => [zipOf('bomb.zip', [{ path: 'model.json', bytes: new Uint8Array(64 * MB) }], 9)],
  'zip-10001-entries': () => [zipOf('many.zip', Array.from({ length: 10_001 }, (_, i) => textFile(`f/${i}.txt`, 'x')), 0)],
  'csv-200k-rows-last-short': () => {
    const rows = Array.from({ length: 200_000 }, (_, i) => `${i},${i % 7},${i % 3 ? 'x' : 'y'}`);
    rows.push('1,2');
    return [textFile('big.csv', `a,b,label\n${rows.join('\n')}\n`)];
  },
};

export function recipeCases(): CorpusCase[] {
  const c = (id: string, kind: CorpusCase['kind'], description: string, code: CorpusCase['expect'], limits?: CorpusCase['limits']): CorpusCase =>
    ({ id, kind, description, expect: code, recipe: id, ...(limits ? { limits } : {}) });
  return [
    c('deep-json-1e6', 'model', '1,000,000 opening brackets', { code: 'JSON_TOO_DEEP' }),
    c('huge-json-4mb', 'model', 'a 4 MB model.json under a 1 MB per-file cap', { code: 'FILE_TOO_LARGE' }, { maxFileBytes: MB }),
    c('huge-graph-100k-nodes', 'model', 'a graph of 100,000 nodes, half with an unknown op', { code: 'UNSUPPORTED_OP' }),
    c('huge-sequential-20k-layers', 'model', 'a Sequential of 20,001 layers, the last unknown', { code: 'UNKNOWN_LAYER' }),
    c('zip-bomb-64mb', 'model', '64 MB of zeros zipped to ~64 KB, under a 16 MB inflate cap', { code: 'ZIP_TOO_LARGE' }, { maxZipInflatedBytes: 16 * MB }),
    c('zip-10001-entries', 'model', 'a zip of 10,001 entries (the default cap is 10,000)', { code: 'ZIP_TOO_LARGE' }),
    c('csv-200k-rows-last-short', 'csv', '200,000 good rows, then one short row', { code: 'CSV_COLUMN_COUNT' }),
  ];
}
