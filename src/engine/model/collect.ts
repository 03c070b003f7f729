/**
 * Gather dropped files into one flat list: expand zips (sizes checked from the central directory
 * before anything is inflated), skip OS clutter, and refuse empty or oversized files.
 */
import { unzipSync } from 'fflate';
import { BonsaiError, outOfMemoryError } from '../errors';
import { formatMB, resolveLimits, type ImportLimits } from './limits';
import { checkFileSize, checkTotalSize } from './size-checks';
import { basename } from './paths';
import type { InputFile } from './types';

export { DEFAULT_IMPORT_LIMITS, type ImportLimits } from './limits';

/** Folders and names no model ever needs: macOS resource forks and dot-files (.DS_Store, .git/). */
export function isIgnoredPath(path: string): boolean {
  const segments = path.split('/');
  if (segments.includes('__MACOSX')) return true;
  return segments.some((s) => s.startsWith('.') && s !== '.' && s !== '..');
}

export function isZip(file: InputFile): boolean {
  return /\.zip$/i.test(file.path);
}

export function collectFiles(files: InputFile[], limits?: Partial<ImportLimits>): InputFile[] {
  const lim = resolveLimits(limits);
  const out: InputFile[] = [];
  for (const file of files) {
    if (isIgnoredPath(file.path)) continue;
    checkFileSize(file.path, file.bytes.byteLength, lim);
    if (isZip(file)) out.push(...expandZip(file, lim));
    else out.push(file);
  }
  checkTotalSize(out.map((f) => ({ path: f.path, size: f.bytes.byteLength })), lim);
  return out;
}

function expandZip(zip: InputFile, lim: ImportLimits): InputFile[] {
  const zipName = basename(zip.path);
  let declared = 0;
  let entries = 0;
  let seen = 0;
  let raw: Record<string, Uint8Array>;
  try {
    raw = unzipSync(zip.bytes, {
      // fflate calls this with the central directory's sizes before it inflates (and allocates)
      // each entry, so a zip bomb is refused here without a large allocation.
      filter: (entry) => {
        seen += 1;
        const name = entry.name;
        if (name.endsWith('/') || name === '__proto__' || isIgnoredPath(name)) return false;
        entries += 1;
        if (entries > lim.maxZipEntries) {
          throw new BonsaiError(
            'ZIP_TOO_LARGE',
            `${zipName} holds more than ${lim.maxZipEntries} files.`,
            'Zip only the model folder (model.json and its .bin files).',
            zip.path,
          );
        }
        declared += entry.originalSize;
        if (declared > lim.maxZipInflatedBytes) {
          throw new BonsaiError(
            'ZIP_TOO_LARGE',
            `${zipName} declares more than ${formatMB(lim.maxZipInflatedBytes)} of uncompressed data.`,
            `Bonsai inflates at most ${formatMB(lim.maxZipInflatedBytes)} from a zip. Zip only the model folder, or select the files directly.`,
            zip.path,
          );
        }
        checkFileSize(`zip:${zipName}/${name}`, entry.originalSize, lim);
        return true;
      },
    });
  } catch (e) {
    if (e instanceof BonsaiError) throw e;
    const oom = outOfMemoryError(e, `Inflating ${zipName}`, zip.path);
    if (oom) throw oom;
    throw new BonsaiError(
      'ZIP_INVALID',
      `${zipName} is not a readable zip archive (${e instanceof Error ? e.message : String(e)}).`,
      'The archive may be truncated or corrupt. Create the zip again, or select the files directly.',
      zip.path,
    );
  }
  if (seen === 0) {
    throw new BonsaiError('EMPTY_FILE', `${zipName} is an empty zip archive (it holds no files).`,
      'Zip the model folder again (model.json and its .bin files), or select the files directly.', zip.path);
  }
  return Object.keys(raw).map((name) => {
    const path = `zip:${zipName}/${name}`;
    // Stored (uncompressed) entries come back at their compressed size: check what we really got.
    checkFileSize(path, raw[name].byteLength, lim);
    return { path, bytes: raw[name] };
  });
}
