/** Caps on what an import may contain, checked before anything large is allocated. No tf import. */
export interface ImportLimits {
  /** Largest single file (a dropped file, a zip entry or a fetched response), in bytes. */
  maxFileBytes: number;
  /** Largest sum of all files after zips are expanded, in bytes. */
  maxTotalBytes: number;
  /** Largest sum of the uncompressed sizes a zip declares, in bytes. */
  maxZipInflatedBytes: number;
  /** Most entries one zip may hold. */
  maxZipEntries: number;
  /** Most elements one weight may declare (its shape's product). */
  maxWeightElements: number;
  /** Deepest nesting of arrays/objects model.json may have. */
  maxJsonDepth: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_IMPORT_LIMITS: Readonly<ImportLimits> = Object.freeze({
  maxFileBytes: 512 * MiB,
  maxTotalBytes: 1024 * MiB,
  maxZipInflatedBytes: 1024 * MiB,
  maxZipEntries: 10_000,
  maxWeightElements: 2 ** 28,
  maxJsonDepth: 100,
});

export function resolveLimits(limits?: Partial<ImportLimits>): ImportLimits {
  return { ...DEFAULT_IMPORT_LIMITS, ...limits };
}

/** "512 MB", "1.5 MB": caps are shown in MB (MiB) so the user can compare with file sizes; tiny
 * caps (tests, custom limits) in KB or bytes rather than as "0.000977 MB". */
export function formatMB(bytes: number): string {
  const mb = bytes / MiB;
  if (mb >= 10) return `${Math.round(mb)} MB`;
  if (mb >= 0.1) return `${Number(mb.toPrecision(3))} MB`;
  if (bytes >= 1024) return `${Number((bytes / 1024).toPrecision(3))} KB`;
  return `${bytes} bytes`;
}
