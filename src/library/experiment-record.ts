/**
 * A named experiment as IndexedDB keeps it: the base model (how to reopen it, and its SHA-256),
 * the dataset and seed, and the variants (library models, by SHA-256) that belong to it. The
 * variants' weights and records stay in the library; several experiments may share them.
 */
import * as z from 'zod/mini';
import { BonsaiError } from '../engine/errors';
// Importing records.ts also sets zod's jitless mode (the page's CSP has no 'unsafe-eval').
import { issues, sha256 } from '../share/records';

export const EXPERIMENT_SCHEMA_VERSION = 1;
export const MAX_EXPERIMENT_NAME = 200;

const id = z.string().check(z.minLength(1), z.maxLength(200));

export const experimentRecordSchema = z.object({
  schema: z.literal(1),
  id,
  name: z.string().check(z.minLength(1), z.maxLength(MAX_EXPERIMENT_NAME)),
  /** How to reopen the base: a built-in sample, or a model in the library (a dropped file or a URL). */
  base: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('sample'), sampleId: id }),
    z.object({ kind: z.literal('library'), libraryId: id }),
  ]),
  baseSha256: sha256,
  baseName: z.string().check(z.maxLength(400)),
  dataset: z.nullable(z.string().check(z.maxLength(400))),
  seed: z.nullable(z.number()),
  /** SHA-256 of each variant that belongs to the experiment, in the order they were made. */
  variantIds: z.array(sha256),
  createdAt: z.number(),
  updatedAt: z.number(),
});

export type ExperimentRecord = z.infer<typeof experimentRecordSchema>;

export function parseExperimentRecord(raw: unknown): ExperimentRecord {
  const version = typeof raw === 'object' && raw !== null ? (raw as { schema?: unknown }).schema : undefined;
  if (version !== EXPERIMENT_SCHEMA_VERSION) {
    throw new BonsaiError('RECORD_INVALID', `A saved experiment could not be read: schema version ${JSON.stringify(version)} is not one this Bonsai knows (1).`,
      'It may come from a newer version of Bonsai or be damaged. The models in the Library are unaffected.');
  }
  const r = experimentRecordSchema.safeParse(raw);
  if (!r.success) {
    throw new BonsaiError('RECORD_INVALID', `A saved experiment could not be read: ${issues(r.error)}.`, 'It may be damaged. The models in the Library are unaffected.');
  }
  return r.data;
}

/** A name as typed: trimmed, 1–200 characters, or EXPERIMENT_NAME_INVALID saying which. */
export function checkExperimentName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed) throw new BonsaiError('EXPERIMENT_NAME_INVALID', 'Error in naming the experiment: the name is empty.', 'Type a name, then press Enter.');
  if (trimmed.length > MAX_EXPERIMENT_NAME) {
    throw new BonsaiError('EXPERIMENT_NAME_INVALID', `Error in naming the experiment: the name has ${trimmed.length} characters; at most ${MAX_EXPERIMENT_NAME} fit.`, 'Use a shorter name.');
  }
  return trimmed;
}

/** The model ids a stored experiment uses, read leniently: a damaged record still protects its weights. */
function usedBy(raw: unknown): string[] {
  if (typeof raw !== 'object' || raw === null) return [];
  const { variantIds, baseSha256 } = raw as { variantIds?: unknown; baseSha256?: unknown };
  return [...(Array.isArray(variantIds) ? variantIds : []), baseSha256].filter((x): x is string => typeof x === 'string');
}

/**
 * What deleting `target` frees: its variants that none of `others` (the other experiments, as
 * stored) uses as a variant or base. Its own base is never freed. The delete and its confirmation
 * both count with this, so the number asked about is the number freed.
 */
export function unsharedVariants(target: ExperimentRecord, others: readonly unknown[]): string[] {
  const used = new Set(others.flatMap(usedBy));
  return target.variantIds.filter((v) => v !== target.baseSha256 && !used.has(v));
}
