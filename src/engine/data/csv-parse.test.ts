import { bonsaiErrorOf } from '../test-utils/errors';
import { describe, expect, it } from 'vitest';
import { BAD_CSV_CASES, TABULAR_CLASSES, TABULAR_FEATURES, tabularCsv } from './csv-fixtures';
import { csvRecords, detectDelimiter, parseCsvExamples, readCsvHeader } from './csv-parse';
import { featureStats, standardizeRows } from './standardize';

const errorOf = bonsaiErrorOf;

describe('csvRecords', () => {
  it('reads quoted cells with delimiters, doubled quotes and line breaks, and skips blank lines', () => {
    const text = 'name,note\r\n"a,b","say ""hi"""\n\n"multi\nline",x\n';
    expect([...csvRecords(text)]).toEqual([
      { cells: ['name', 'note'], line: 1 },
      { cells: ['a,b', 'say "hi"'], line: 2 },
      { cells: ['multi\nline', 'x'], line: 4 },
    ]);
  });

  it('detects semicolon and tab delimiters from the header, comma otherwise', () => {
    expect(detectDelimiter('a;b;c\n1;2;3')).toBe(';');
    expect(detectDelimiter('a\tb\n1\t2')).toBe('\t');
    expect(detectDelimiter('a,b;c\n')).toBe(',');
    expect(readCsvHeader('\ufeffx;y;z\n1;2;3\n', 'f.csv')).toEqual({ columns: ['x', 'y', 'z'], delimiter: ';' });
  });
});

describe('parseCsvExamples', () => {
  it('reads the generated table: 3 classes by name, 4 features, the label column left out of the features', () => {
    const ex = parseCsvExamples(tabularCsv(10), { file: 't.csv', labelColumn: 4 });
    expect(ex.count).toBe(30);
    expect(ex.featureNames).toEqual([...TABULAR_FEATURES]);
    expect(ex.labelName).toBe('species');
    expect(ex.classNames).toEqual([...TABULAR_CLASSES]);
    expect(ex.features.length).toBe(30 * 4);
    expect([...ex.labels.slice(0, 6)]).toEqual([0, 1, 2, 0, 1, 2]);
  });

  it('a label column in the middle; integer labels keep their value as the class index', () => {
    const ex = parseCsvExamples('a,cls,b\n1,2,3\n4,0,6\n7,2,9\n', { file: 'i.csv', labelColumn: 1 });
    expect(ex.featureNames).toEqual(['a', 'b']);
    expect(ex.classNames).toEqual(['0', '1', '2']);
    expect([...ex.labels]).toEqual([2, 0, 2]);
    expect(ex.emptyClasses).toEqual(['1']);
    expect([...ex.features]).toEqual([1, 3, 4, 6, 7, 9]);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    expect(tabularCsv(5, 3)).toBe(tabularCsv(5, 3));
    expect(tabularCsv(5, 3)).not.toBe(tabularCsv(5, 4));
  });

  it('refuses more rows than the cap with DATASET_TOO_LARGE', () => {
    expect(errorOf(() => parseCsvExamples(tabularCsv(10), { file: 'big.csv', labelColumn: 4, maxRows: 20 })).code).toBe('DATASET_TOO_LARGE');
  });

  describe.each(BAD_CSV_CASES)('$name', (c) => {
    it(`fails with ${c.code}, naming the file, line and column`, () => {
      const e = errorOf(() => parseCsvExamples(c.text, { file: c.file, labelColumn: c.labelColumn ?? 2 }));
      expect(e.code).toBe(c.code);
      expect(e.file).toBe(c.file);
      expect(e.hint).toBeTruthy();
      for (const m of c.mentions) expect(e.message).toContain(m);
    });
  });
});

describe('standardisation', () => {
  it('uses the given rows only, a constant feature becomes 0 (std 1), and other rows use the same stats', () => {
    const features = Float32Array.from([1, 5, 3, 5, 100, 5]); // rows: [1,5], [3,5], [100,5]
    const stats = featureStats(features, 2, [0, 1]);
    expect(stats.mean).toEqual([2, 5]);
    expect(stats.std).toEqual([1, 1]);
    expect([...standardizeRows(features, 2, [1, 2], stats)]).toEqual([1, 0, 98, 0]);
  });

  it('gives mean 0 and std 1 on the rows it was fitted on', () => {
    const ex = parseCsvExamples(tabularCsv(20), { file: 't.csv', labelColumn: 4 });
    const rows = Array.from({ length: ex.count }, (_, i) => i);
    const z = standardizeRows(ex.features, 4, rows, featureStats(ex.features, 4, rows));
    const again = featureStats(z, 4, rows);
    for (let j = 0; j < 4; j++) {
      expect(again.mean[j]).toBeCloseTo(0, 5);
      expect(again.std[j]).toBeCloseTo(1, 4);
    }
  });
});
