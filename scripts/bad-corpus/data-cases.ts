/** Corpus cases for datasets: image files that are not images, and CSV files with the wrong columns. */
import type { ErrorCode } from '../../src/engine/errors';
import { encodePng, solidRgba } from '../../src/engine/data/image-fixtures';
import { sequentialModelJson, textFile } from '../../src/engine/model/valid-models.fixtures';
import type { InputFile } from '../../src/engine/model/types';
import type { CorpusCase } from './types';
import { zipOf } from './zip';

const png = () => encodePng(4, 4, solidRgba(4, 4, [200, 10, 10, 255]));
const bytes = (path: string, b: Uint8Array | number[]): InputFile => ({ path, bytes: Uint8Array.from(b) });

function imageCases(): CorpusCase[] {
  const img = (id: string, description: string, code: ErrorCode, files: InputFile[]): CorpusCase =>
    ({ id, kind: 'images', description, expect: { code }, files });
  const good = png();
  const badCrc = good.slice();
  badCrc[30] ^= 0xff; // inside IHDR: its CRC no longer matches
  const notImages: [string, InputFile][] = [
    ['text', textFile('photo.png', 'this is not a picture')],
    ['model-json', textFile('photo.jpg', JSON.stringify(sequentialModelJson()))],
    ['html', textFile('photo.gif', '<!doctype html><html><body>404</body></html>')],
    ['svg-script', textFile('photo.png', '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')],
    ['zip', { path: 'photo.png', bytes: zipOf('x.zip', [textFile('a.txt', 'a')]).bytes }],
    ['png-signature-only', bytes('photo.png', [0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10])],
    ['png-truncated', { path: 'photo.png', bytes: good.slice(0, good.length - 20) }],
    ['png-bad-crc', { path: 'photo.png', bytes: badCrc }],
    ['jpeg-header-only', bytes('photo.jpg', [0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0])],
    ['gif-header-only', textFile('photo.gif', 'GIF89a')],
    ['bmp-header-only', bytes('photo.bmp', [0x42, 0x4d, 0, 0, 0, 0])],
    ['webp-noise', bytes('photo.webp', Array.from({ length: 64 }, (_, i) => (i * 73) % 256))],
    ['elf', bytes('photo.png', [0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0])],
  ];
  const out = notImages.map(([name, f]) => img(`image-${name}`, `${f.path} that is ${name}, not an image`, 'IMAGE_UNREADABLE', [f]));
  out.push(img('image-class-all-bad', 'labeled: every image of class "dog" is text', 'IMAGE_UNREADABLE',
    [{ path: 'pets/cat/1.png', bytes: good }, { path: 'pets/cat/2.png', bytes: good }, textFile('pets/dog/1.png', 'woof'), textFile('pets/dog/2.png', 'woof')]));
  out.push(img('image-zip-of-text', 'a zip of .png files that are text', 'IMAGE_UNREADABLE', [zipOf('pics.zip', [textFile('a.png', 'a'), textFile('b.png', 'b')])]));
  out.push(img('image-none', 'only .txt and .json files', 'NO_IMAGES', [textFile('notes.txt', 'x'), textFile('model.json', '{}')]));
  out.push(img('image-empty-file', 'a 0-byte .png', 'EMPTY_FILE', [{ path: 'photo.png', bytes: new Uint8Array(0) }]));
  return out;
}

const HEAD = 'a,b,c,label';
const ROWS = ['1,2,3,x', '4,5,6,y', '7,8,9,x', '1,3,5,y', '2,4,6,x', '3,5,7,y'];
const csvText = (rows: string[], head = HEAD) => [head, ...rows].join('\n') + '\n';

function csvCases(): CorpusCase[] {
  const out: CorpusCase[] = [];
  const csv = (id: string, description: string, code: ErrorCode, text: string, labelColumn?: number) =>
    out.push({ id, kind: 'csv', description, expect: { code }, files: [textFile(`${id}.csv`, text)], ...(labelColumn === undefined ? {} : { labelColumn }) });
  ROWS.forEach((_, k) => {
    const short = ROWS.map((r, i) => (i === k ? r.split(',').slice(1).join(',') : r));
    csv(`csv-short-row-${k + 2}`, `line ${k + 2} has 3 cells for 4 columns`, 'CSV_COLUMN_COUNT', csvText(short));
    const long = ROWS.map((r, i) => (i === k ? `${r},9` : r));
    csv(`csv-long-row-${k + 2}`, `line ${k + 2} has 5 cells for 4 columns`, 'CSV_COLUMN_COUNT', csvText(long));
  });
  csv('csv-header-short', 'a 3-column header over 4-cell rows', 'CSV_COLUMN_COUNT', csvText(ROWS, 'a,b,label'));
  csv('csv-header-long', 'a 5-column header over 4-cell rows', 'CSV_COLUMN_COUNT', csvText(ROWS, 'a,b,c,d,label'));
  csv('csv-delimiter-mix', 'a semicolon header over comma rows', 'CSV_COLUMN_COUNT', csvText(ROWS, 'a;b;c;label'));
  csv('csv-unquoted-comma', 'a label "x, y" not quoted', 'CSV_COLUMN_COUNT', csvText([...ROWS, '1,2,3,x, y']));
  csv('csv-open-quote', 'a quote opened and never closed', 'CSV_COLUMN_COUNT', csvText([...ROWS.slice(0, 2), '1,"2,3,x', ...ROWS.slice(2)]));
  for (const col of [4, 10, -1, 1.5]) csv(`csv-label-column-${String(col).replace('.', '_')}`, `label column ${col} of 4`, 'CSV_LABEL_COLUMN', csvText(ROWS), col);
  csv('csv-one-column', 'a header with one column', 'CSV_NO_HEADER', 'label\nx\ny\n');
  csv('csv-blank-header-cell', 'a header cell with no name', 'CSV_NO_HEADER', csvText(ROWS, 'a,,c,label'));
  csv('csv-numeric-header', 'no header: the first row is numbers', 'CSV_NO_HEADER', '1,2,3,0\n4,5,6,1\n');
  csv('csv-empty', 'an empty CSV (blank lines)', 'CSV_NO_HEADER', '\n\n\n');
  csv('csv-header-only', 'a header and no rows', 'CSV_NO_ROWS', `${HEAD}\n`);
  for (let j = 0; j < 3; j++) {
    csv(`csv-text-in-col-${j + 1}`, `a word in feature column ${j + 1}`, 'CSV_NOT_NUMERIC', csvText(ROWS.map((r, i) => (i === 2 ? r.split(',').map((c, x) => (x === j ? 'seven' : c)).join(',') : r))));
    csv(`csv-missing-in-col-${j + 1}`, `NA in feature column ${j + 1}`, 'CSV_MISSING_VALUE', csvText(ROWS.map((r, i) => (i === 3 ? r.split(',').map((c, x) => (x === j ? 'NA' : c)).join(',') : r))));
  }
  csv('csv-label-as-feature', 'the label column chosen is a feature: the real labels become a text feature', 'CSV_NOT_NUMERIC', csvText(ROWS), 0);
  csv('csv-one-class', 'every row has the same label', 'ONE_CLASS_ONLY', csvText(ROWS.map((r) => r.replace(/[xy]$/, 'x'))));
  csv('csv-not-utf8', 'Latin-1 bytes, not UTF-8', 'CSV_NOT_NUMERIC', '');
  const last = out[out.length - 1];
  last.files = [{ path: 'csv-not-utf8.csv', bytes: Uint8Array.from([...new TextEncoder().encode(`${HEAD}\n1,2,3,`), 0xe9, 0xff, 10]) }];
  return out;
}

export function dataCases(): CorpusCase[] {
  return [...imageCases(), ...csvCases()];
}
