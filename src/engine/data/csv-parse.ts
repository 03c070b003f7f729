/**
 * CSV text → numeric examples with class labels. Pure (no TF.js), so the page can read a header to
 * ask for the label column and the worker can build the dataset with the same code.
 *
 * The format: a header row of column names, then one row per example; cells separated by a comma
 * (or a semicolon or tab, when the header uses one of those and no comma); RFC 4180 quoting (a
 * quoted cell may hold the delimiter, a line break, or "" for a quote). Blank lines are skipped.
 * Every column except the label is a numeric feature. Errors name the file, the line and the column.
 */
import { BonsaiError } from '../errors';

/** Cells read as "no value": an empty cell and the usual spreadsheet/pandas markers (case-insensitive). */
const MISSING = new Set(['', 'na', 'n/a', 'nan', 'null', 'none', '?']);
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
/** Non-negative integer labels up to this are class indices; larger ones are names (e.g. years). */
const MAX_INTEGER_CLASS = 999;
export const DEFAULT_MAX_CSV_ROWS = 1_000_000;

export interface CsvRecord {
  cells: string[];
  /** 1-based line where the record starts (the header is line 1 unless blank lines precede it). */
  line: number;
}

/** The delimiter the header line uses: a comma unless it has none and has semicolons or tabs. */
export function detectDelimiter(text: string): string {
  const end = text.indexOf('\n');
  const first = end < 0 ? text : text.slice(0, end);
  if (first.includes(',')) return ',';
  const semis = first.split(';').length - 1;
  const tabs = first.split('\t').length - 1;
  if (semis === 0 && tabs === 0) return ',';
  return tabs > semis ? '\t' : ';';
}

/** Records in order, RFC 4180 quoting, blank lines skipped. A stray quote inside an unquoted cell is kept as text. */
export function* csvRecords(text: string, delimiter = detectDelimiter(text)): Generator<CsvRecord> {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let i = 0;
  let line = 1;
  const n = body.length;
  while (i < n) {
    const start = line;
    const cells: string[] = [];
    let cell = '';
    let quoted = false;
    let ended = false;
    while (i < n && !ended) {
      const c = body[i];
      if (quoted) {
        if (c === '"') {
          if (body[i + 1] === '"') {
            cell += '"';
            i += 2;
            continue;
          }
          quoted = false;
        } else {
          if (c === '\n') line++;
          cell += c;
        }
        i++;
      } else if (c === '"' && cell.trim() === '') {
        quoted = true;
        cell = '';
        i++;
      } else if (c === delimiter) {
        cells.push(cell);
        cell = '';
        i++;
      } else if (c === '\n' || c === '\r') {
        i += c === '\r' && body[i + 1] === '\n' ? 2 : 1;
        line++;
        ended = true;
      } else {
        cell += c;
        i++;
      }
    }
    cells.push(cell);
    if (cells.length === 1 && cells[0].trim() === '') continue;
    yield { cells: cells.map((x) => x.trim()), line: start };
  }
}

export const isMissing = (cell: string): boolean => MISSING.has(cell.trim().toLowerCase());
export const isNumeric = (cell: string): boolean => NUMBER.test(cell.trim());

const HEADER_HINT = 'The first row must name the columns, e.g. "sepal_length,sepal_width,species".';

export interface CsvHeader {
  columns: string[];
  delimiter: string;
}

/** The header of a CSV file (the page reads only this to ask for the label column). */
export function readCsvHeader(text: string, file: string): CsvHeader {
  const delimiter = detectDelimiter(text);
  const first = csvRecords(text, delimiter).next();
  if (first.done) throw new BonsaiError('CSV_NO_HEADER', `"${file}" is empty: it has no header row and no data.`, HEADER_HINT, file);
  const columns = first.value.cells;
  if (columns.every((c) => isNumeric(c))) {
    throw new BonsaiError(
      'CSV_NO_HEADER',
      `"${file}" has no header row: line ${first.value.line} is all numbers (${columns.slice(0, 4).join(', ')}${columns.length > 4 ? ', …' : ''}).`,
      `Add a first row of column names. ${HEADER_HINT}`,
      file,
    );
  }
  const blank = columns.findIndex((c) => c === '');
  if (blank >= 0) {
    throw new BonsaiError('CSV_NO_HEADER', `"${file}": column ${blank + 1} of the header row has no name.`, HEADER_HINT, file);
  }
  if (columns.length < 2) {
    throw new BonsaiError(
      'CSV_NO_HEADER',
      `"${file}" has one column (${columns[0]}); a dataset needs at least one feature column and a label column.`,
      'Check the delimiter: Bonsai reads comma-, semicolon- or tab-separated files.',
      file,
    );
  }
  return { columns, delimiter };
}

export interface CsvExamples {
  featureNames: string[];
  labelName: string;
  /** Class index → name; integer labels 0..k−1 keep their value as the index. */
  classNames: string[];
  /** Row-major, count × featureNames.length, as read (not yet standardised). */
  features: Float32Array;
  labels: Int32Array;
  count: number;
  /** Classes named by integer labels that no row has (they stay, so indices match the model's outputs). */
  emptyClasses: string[];
}

export interface CsvExamplesOptions {
  file: string;
  /** 0-based index of the label column in the header. */
  labelColumn: number;
  maxRows?: number;
}

const col = (name: string, index: number) => `column ${index + 1} ("${name}")`;

/** Parse a whole CSV into numeric features and class labels, refusing any cell that cannot be used. */
export function parseCsvExamples(text: string, opts: CsvExamplesOptions): CsvExamples {
  const { file, labelColumn } = opts;
  const maxRows = opts.maxRows ?? DEFAULT_MAX_CSV_ROWS;
  const { columns, delimiter } = readCsvHeader(text, file);
  if (!(Number.isInteger(labelColumn) && labelColumn >= 0 && labelColumn < columns.length)) {
    throw new BonsaiError(
      'CSV_LABEL_COLUMN',
      `"${file}" has ${columns.length} columns (${columns.join(', ')}); label column ${labelColumn + 1} does not exist.`,
      'Pick the label column again from the header.',
      file,
    );
  }
  const featureIdx = columns.map((_, i) => i).filter((i) => i !== labelColumn);
  const values: number[] = [];
  const labelCells: string[] = [];
  const records = csvRecords(text, delimiter);
  records.next(); // the header
  for (const { cells, line } of records) {
    if (cells.length !== columns.length) {
      throw new BonsaiError(
        'CSV_COLUMN_COUNT',
        `"${file}" line ${line} has ${cells.length} cells but the header has ${columns.length} columns.`,
        'Every row needs one cell per column; check for a missing or extra delimiter (a cell holding a comma must be quoted).',
        file,
      );
    }
    if (labelCells.length >= maxRows) {
      throw new BonsaiError(
        'DATASET_TOO_LARGE',
        `"${file}" has more than ${maxRows.toLocaleString('en-US')} rows; Bonsai reads at most that many.`,
        `Use a sample of at most ${maxRows.toLocaleString('en-US')} rows (keep every class).`,
        file,
      );
    }
    for (const i of featureIdx) {
      const cell = cells[i];
      if (isMissing(cell)) {
        throw new BonsaiError(
          'CSV_MISSING_VALUE',
          `"${file}" line ${line}, ${col(columns[i], i)} has no value${cell ? ` ("${cell}")` : ''}.`,
          'Fill in or drop rows with missing values before loading (Bonsai does not impute).',
          file,
        );
      }
      const v = Number(cell);
      if (!isNumeric(cell) || !Number.isFinite(v)) {
        throw new BonsaiError(
          'CSV_NOT_NUMERIC',
          `"${file}" line ${line}, ${col(columns[i], i)} is "${cell}", not a number; every column but the label must be numeric.`,
          `If "${columns[i]}" is the label, pick it as the label column; otherwise encode it as numbers (e.g. one-hot columns).`,
          file,
        );
      }
      values.push(v);
    }
    const label = cells[labelColumn];
    if (isMissing(label)) {
      throw new BonsaiError(
        'CSV_MISSING_VALUE',
        `"${file}" line ${line}, label ${col(columns[labelColumn], labelColumn)} has no value${label ? ` ("${label}")` : ''}.`,
        'Every row needs a label; drop unlabeled rows before loading.',
        file,
      );
    }
    labelCells.push(label);
  }
  const count = labelCells.length;
  if (count === 0) {
    throw new BonsaiError('CSV_NO_ROWS', `"${file}" has a header row but no data rows.`, 'Add one row per example below the header.', file);
  }
  const { classNames, labels, emptyClasses } = labelIndices(labelCells);
  const distinct = classNames.length - emptyClasses.length;
  if (distinct < 2) {
    throw new BonsaiError(
      'ONE_CLASS_ONLY',
      `"${file}": every row has the label "${labelCells[0]}" in ${col(columns[labelColumn], labelColumn)}; a classifier needs at least two classes.`,
      'Pick the column that holds the class as the label column, or add rows of the other classes.',
      file,
    );
  }
  return {
    featureNames: featureIdx.map((i) => columns[i]),
    labelName: columns[labelColumn],
    classNames,
    features: Float32Array.from(values),
    labels,
    count,
    emptyClasses,
  };
}

/** Integer labels 0..999 are class indices (so a model's output k is class k); anything else is a name, sorted by code point. */
function labelIndices(cells: string[]): { classNames: string[]; labels: Int32Array; emptyClasses: string[] } {
  if (cells.every((c) => /^\d+$/.test(c) && Number(c) <= MAX_INTEGER_CLASS)) {
    const ints = cells.map(Number);
    const k = Math.max(...ints) + 1;
    const seen = new Set(ints);
    const classNames = Array.from({ length: k }, (_, i) => String(i));
    return { classNames, labels: Int32Array.from(ints), emptyClasses: classNames.filter((_, i) => !seen.has(i)) };
  }
  const classNames = [...new Set(cells)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const index = new Map(classNames.map((name, i) => [name, i]));
  return { classNames, labels: Int32Array.from(cells, (c) => index.get(c)!), emptyClasses: [] };
}
