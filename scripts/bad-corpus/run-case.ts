/**
 * Run one corpus case through the importer a user's drop would reach: models through the whole
 * import (collect → validate → load), images through buildImageDataset (with a PNG decoder standing
 * in for the browser's), CSV through buildCsvDataset. What it built is disposed.
 */
import type { Warning } from '../../src/engine/errors';
import { buildCsvDataset } from '../../src/engine/data/csv';
import { readCsvHeader } from '../../src/engine/data/csv-parse';
import { buildImageDataset, type DecodedImage } from '../../src/engine/data/images';
import { disposeDataset } from '../../src/engine/data/types';
import { importModelFiles } from '../../src/engine/model/import-pipeline';
import { disposeLoaded } from '../../src/engine/model/load';
import type { InputFile } from '../../src/engine/model/types';
import { decodePngForTest } from '../../src/engine/test-utils/png-decode';
import type { ManifestCase } from './types';

export type CaseOutcome = { error: unknown } | { warnings: Warning['code'][] };

async function runOnce(c: ManifestCase, files: InputFile[]): Promise<Warning['code'][]> {
  if (c.kind === 'model') {
    const m = await importModelFiles(files, c.limits);
    disposeLoaded(m);
    return m.prepared.warnings.map((w) => w.code);
  }
  if (c.kind === 'images') {
    const d = await buildImageDataset(files, { inputShape: [4, 4, 1], labeled: files.some((f) => f.path.startsWith('pets/')), onUnreadable: 'fail' },
      async (bytes) => decodePngForTest(bytes) as DecodedImage);
    disposeDataset(d);
    return d.report.warnings.map((w) => w.code);
  }
  const d = buildCsvDataset(files[0], { labelColumn: c.labelColumn ?? lastColumn(files[0]) });
  disposeDataset(d);
  return d.warnings.map((w) => w.code);
}

/** The page's default label column: the header's last (0 when the header cannot be read: the import then says why). */
function lastColumn(file: InputFile): number {
  try {
    return readCsvHeader(new TextDecoder().decode(file.bytes), file.path).columns.length - 1;
  } catch {
    return 0;
  }
}

export async function runCorpusCase(c: ManifestCase, files: InputFile[]): Promise<CaseOutcome> {
  try {
    return { warnings: await runOnce(c, files) };
  } catch (error) {
    return { error };
  }
}
