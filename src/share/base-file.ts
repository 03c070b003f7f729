/**
 * A shared experiment whose base is a file the author dropped: the receiver picks it, and its
 * SHA-256 is checked against the link's before anything is loaded or saved (worker/jobs/import.ts).
 */
import { BonsaiError } from '../engine/errors';
import { formatBytes } from '../ui/format';

/** The file a link's base names: its SHA-256, and its name and stored size to say which it is. */
export interface ExpectedBase {
  sha256: string;
  name: string;
  bytes: number;
}

/** BASE_FILE_MISMATCH naming what was expected and what was picked. */
export function baseFileMismatch(expected: ExpectedBase, got: { name: string; paths: readonly string[]; bytes: number; sha256: string }): BonsaiError {
  const paths = got.paths.slice(0, 3).join(', ') + (got.paths.length > 3 ? ', …' : '');
  return new BonsaiError('BASE_FILE_MISMATCH',
    `Error in reproducing the shared experiment: expected the base "${expected.name}" (${formatBytes(expected.bytes)} stored, SHA-256 ${expected.sha256.slice(0, 16)}…), but got "${got.name}" from ${paths} (${formatBytes(got.bytes)} stored, SHA-256 ${got.sha256.slice(0, 16)}…).`,
    'Pick the same model.json and .bin files the author dropped, byte for byte: a re-saved or converted copy has another SHA-256. Nothing was saved or replayed.');
}
