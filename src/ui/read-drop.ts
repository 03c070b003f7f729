/**
 * Turn what the user dropped or picked (files, a whole folder, a zip) into InputFiles with paths
 * relative to the drop. Sizes are checked on File.size before any byte is read; the bytes are then
 * transferred to the worker, never copied twice.
 */
import type { InputFile } from '../engine/model/types';
import { checkSelection } from '../engine/model/size-checks';

interface PickedFile {
  file: File;
  path: string;
}

async function readAll(picked: PickedFile[]): Promise<InputFile[]> {
  checkSelection(picked.map((p) => ({ path: p.path, size: p.file.size })));
  return Promise.all(picked.map(async (p) => ({ path: p.path, bytes: new Uint8Array(await p.file.arrayBuffer()) })));
}

function relativePath(file: File): string {
  // webkitRelativePath is set by <input webkitdirectory>; plain picks have only a name.
  return (file as File & { webkitRelativePath?: string }).webkitRelativePath || file.name;
}

export function readPickedFiles(files: FileList | File[]): Promise<InputFile[]> {
  return readAll(Array.from(files).map((file) => ({ file, path: relativePath(file) })));
}

function entryFiles(entry: FileSystemEntry, prefix: string): Promise<PickedFile[]> {
  if (entry.isFile) {
    return new Promise((resolve, reject) =>
      (entry as FileSystemFileEntry).file((file) => resolve([{ file, path: prefix + entry.name }]), reject),
    );
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  return new Promise((resolve, reject) => {
    const all: FileSystemEntry[] = [];
    // readEntries returns at most 100 entries per call: keep reading until it returns none.
    const next = () =>
      reader.readEntries((batch) => {
        if (batch.length === 0) {
          Promise.all(all.map((e) => entryFiles(e, `${prefix}${entry.name}/`)))
            .then((lists) => resolve(lists.flat()))
            .catch(reject);
        } else {
          all.push(...batch);
          next();
        }
      }, reject);
    next();
  });
}

export async function readDataTransfer(dt: DataTransfer): Promise<InputFile[]> {
  const entries = Array.from(dt.items)
    .map((item) => (item.kind === 'file' ? item.webkitGetAsEntry?.() : null))
    .filter((e): e is FileSystemEntry => !!e);
  if (entries.length > 0) return readAll((await Promise.all(entries.map((e) => entryFiles(e, '')))).flat());
  return readPickedFiles(dt.files);
}
