/**
 * CSV fixtures the project builds itself (no downloads): a seeded three-class, four-feature table
 * whose features have very different scales (so standardisation matters), and a table of broken
 * files with the error each must give. Pure, so unit tests and Playwright specs share them.
 */
import type { ErrorCode } from '../errors';
import { mulberry32 } from '../runtime/random';

export const TABULAR_CLASSES = ['alpha', 'beta', 'gamma'] as const;
export const TABULAR_FEATURES = ['length_mm', 'width_cm', 'weight_g', 'ratio'] as const;

/** Class centres per feature; the scales differ by orders of magnitude on purpose. */
const CENTRES = [
  [1000, 2, 50, 0.1],
  [1060, 5, 80, 0.5],
  [1120, 8, 110, 0.9],
];
const SPREAD = [15, 0.8, 8, 0.1];

/** `perClass` rows of each class, interleaved, with Gaussian noise from a seeded generator. */
export function tabularCsv(perClass = 50, seed = 1, opts: { labels?: 'names' | 'integers' } = {}): string {
  const random = mulberry32(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const lines = [[...TABULAR_FEATURES, 'species'].join(',')];
  for (let i = 0; i < perClass; i++) {
    for (let c = 0; c < CENTRES.length; c++) {
      const x = CENTRES[c].map((m, j) => (m + SPREAD[j] * gauss()).toFixed(3));
      lines.push([...x, opts.labels === 'integers' ? String(c) : TABULAR_CLASSES[c]].join(','));
    }
  }
  return lines.join('\n') + '\n';
}

export interface BadCsvCase {
  name: string;
  file: string;
  text: string;
  /** 0-based label column; the last column when absent. */
  labelColumn?: number;
  code: ErrorCode;
  /** Text the message must contain: the file, and the line and column where there is one. */
  mentions: string[];
}

const HEAD = 'a,b,label';

export const BAD_CSV_CASES: BadCsvCase[] = [
  { name: 'an empty cell', file: 'gap.csv', text: `${HEAD}\n1,2,x\n3,,y\n`, code: 'CSV_MISSING_VALUE', mentions: ['gap.csv', 'line 3', 'column 2 ("b")'] },
  { name: 'an NA marker', file: 'na.csv', text: `${HEAD}\n1,2,x\nNA,4,y\n`, code: 'CSV_MISSING_VALUE', mentions: ['na.csv', 'line 3', 'column 1 ("a")'] },
  { name: 'a missing label', file: 'nolabel.csv', text: `${HEAD}\n1,2,x\n3,4,\n`, code: 'CSV_MISSING_VALUE', mentions: ['nolabel.csv', 'line 3', 'column 3 ("label")'] },
  { name: 'a non-numeric cell', file: 'text.csv', text: `${HEAD}\n1,2,x\n3,four,y\n`, code: 'CSV_NOT_NUMERIC', mentions: ['text.csv', 'line 3', 'column 2 ("b")', '"four"'] },
  { name: 'an infinite cell', file: 'inf.csv', text: `${HEAD}\n1,Infinity,x\n3,4,y\n`, code: 'CSV_NOT_NUMERIC', mentions: ['inf.csv', 'line 2'] },
  { name: 'too few cells', file: 'short.csv', text: `${HEAD}\n1,2,x\n3,y\n`, code: 'CSV_COLUMN_COUNT', mentions: ['short.csv', 'line 3', '2 cells', '3 columns'] },
  { name: 'too many cells', file: 'long.csv', text: `${HEAD}\n1,2,x\n3,4,5,y\n`, code: 'CSV_COLUMN_COUNT', mentions: ['long.csv', 'line 3', '4 cells'] },
  { name: 'no header row', file: 'noheader.csv', text: '1,2,0\n3,4,1\n', code: 'CSV_NO_HEADER', mentions: ['noheader.csv', 'line 1'] },
  { name: 'an empty file', file: 'empty.csv', text: '\n\n', code: 'CSV_NO_HEADER', mentions: ['empty.csv'] },
  { name: 'a header only', file: 'head.csv', text: `${HEAD}\n`, code: 'CSV_NO_ROWS', mentions: ['head.csv'] },
  { name: 'one class only', file: 'one.csv', text: `${HEAD}\n1,2,x\n3,4,x\n5,6,x\n`, code: 'ONE_CLASS_ONLY', mentions: ['one.csv', '"x"', 'column 3 ("label")'] },
  { name: 'a label column that does not exist', file: 'col.csv', text: `${HEAD}\n1,2,x\n3,4,y\n`, labelColumn: 5, code: 'CSV_LABEL_COLUMN', mentions: ['col.csv', 'a, b, label'] },
];
