/**
 * Size checks shared by the engine and the main thread: the UI runs them on File.size before it
 * reads a single byte, so a multi-gigabyte drop is refused without filling the tab's memory.
 * No tf or fflate import (this is bundled into the main thread).
 */
import { BonsaiError } from '../errors';
import { formatMB, resolveLimits, type ImportLimits } from './limits';

export function checkFileSize(path: string, bytes: number, lim: ImportLimits): void {
  if (bytes === 0) {
    throw new BonsaiError(
      'EMPTY_FILE',
      `${path} is empty (0 bytes).`,
      'The file was probably not downloaded completely. Download it again and re-select it.',
      path,
    );
  }
  if (bytes > lim.maxFileBytes) {
    throw new BonsaiError(
      'FILE_TOO_LARGE',
      `${path} is ${formatMB(bytes)}, more than the ${formatMB(lim.maxFileBytes)} Bonsai accepts per file.`,
      `Use a model whose files are each under ${formatMB(lim.maxFileBytes)} (the TF.js converter's --weight_shard_size_bytes splits weights into smaller shards).`,
      path,
    );
  }
}


export function checkTotalSize(files: { path: string; size: number }[], lim: ImportLimits): void {
  let total = 0;
  for (const f of files) {
    total += f.size;
    if (total > lim.maxTotalBytes) {
      throw new BonsaiError(
        'FILE_TOO_LARGE',
        `The selected files add up to more than ${formatMB(lim.maxTotalBytes)} (reached at ${f.path}).`,
        `Bonsai accepts at most ${formatMB(lim.maxTotalBytes)} in total. Select only model.json and its weight files.`,
        f.path,
      );
    }
  }
}

/** Every check that needs only names and sizes, as the main thread knows them from File objects. */
export function checkSelection(files: { path: string; size: number }[], limits?: Partial<ImportLimits>): void {
  const lim = resolveLimits(limits);
  for (const f of files) checkFileSize(f.path, f.size, lim);
  checkTotalSize(files, lim);
}
