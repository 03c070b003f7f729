/** Path helpers for dropped files ("tfjs/model.json", "zip:m.zip/model.json"). No tf import. */

export function basename(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? path : path.slice(i + 1);
}

/** The folder part including the trailing slash, or "" for a top-level file. */
export function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i + 1);
}

/** Resolve "./a/../b.bin" against a folder; ".." never climbs above the folder's root. */
export function joinPath(dir: string, relative: string): string {
  const parts: string[] = [];
  for (const seg of (dir + relative).split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  return parts.join('/');
}

/** Same normalisation as joinPath, for comparing a file's own path. */
export function normalizePath(path: string): string {
  return joinPath('', path);
}

/** Drop any query or fragment, and decode %20-style escapes when that is valid. */
export function cleanManifestPath(path: string): string {
  const bare = path.split(/[?#]/, 1)[0];
  try {
    return decodeURIComponent(bare);
  } catch {
    return bare;
  }
}
