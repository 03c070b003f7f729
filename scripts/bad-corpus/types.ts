/**
 * The bad-input corpus: a case is the files a stranger might hand Bonsai (or a recipe that makes
 * them at test time, when they would be large) and the outcome each must give. Pure data, no tf.
 */
import type { ErrorCode, Warning } from '../../src/engine/errors';
import type { ImportLimits } from '../../src/engine/model/limits';
import type { InputFile } from '../../src/engine/model/types';

/** Which importer reads the case: the model importer, the image-folder importer or the CSV importer. */
export type CorpusKind = 'model' | 'images' | 'csv';

export type CorpusExpect = { code: ErrorCode } | { warning: Warning['code'] } | { ok: true };

export interface CorpusCase {
  /** Unique, also the case's folder name under e2e/fixtures/bad-corpus/. */
  id: string;
  kind: CorpusKind;
  description: string;
  expect: CorpusExpect;
  /** Committed files; absent when `recipe` makes them at test time. */
  files?: InputFile[];
  /** The name of a recipe in recipes.ts, for cases too large to commit. */
  recipe?: string;
  limits?: Partial<ImportLimits>;
  /** CSV only: the 0-based label column (default: the last). */
  labelColumn?: number;
}

/** What manifest.json records for a case: the files as paths relative to the case folder. */
export type ManifestCase = Omit<CorpusCase, 'files'> & { files?: string[] };
