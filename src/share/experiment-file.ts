/**
 * The experiment file: one zip with `experiment.json` (the share link's experiment, plus each
 * model's library entry and record) and every model's files under `models/<sha256>/` — the way
 * to share an experiment with its weights, or move it to another browser. Reading one is as
 * defensive as reading a link: sizes capped, JSON parsed without prototypes, every part
 * validated, paths kept inside their folder; the worker then checks each model's SHA-256
 * against its files before anything is saved.
 */
import { unzipSync, zipSync } from 'fflate';
import * as z from 'zod/mini';
import { BonsaiError } from '../engine/errors';
import type { LibraryEntry } from '../library/db';
import { parseJsonSafely, shareLinkSchema, type ShareLink } from './link';
import { parseVariantRecord, type VariantRecord } from './records';

z.config({ jitless: true });

export const EXPERIMENT_FILE_FORMAT = 'bonsai-experiment';
export const EXPERIMENT_FILE_VERSION = 1;
/** An experiment file larger than this is refused before it is unzipped (compressed) and after (total). */
export const MAX_EXPERIMENT_BYTES = 512 * 1024 * 1024;

export interface ExperimentModel {
  entry: LibraryEntry;
  /** null for the base model (it has no record of its own). */
  record: VariantRecord | null;
  files: { path: string; bytes: Uint8Array }[];
}

const sha = z.string().check(z.regex(/^[0-9a-f]{64}$/, 'a hex SHA-256'));
const relPath = z.string().check(z.maxLength(300), z.refine((p) => !p.startsWith('/') && !p.split('/').some((s) => s === '..' || s === ''), 'a path inside the model folder'));
const entrySchema = z.looseObject({
  id: sha,
  name: z.string().check(z.maxLength(300)),
  format: z.enum(['layers', 'graph']),
  sourceLabel: z.string().check(z.maxLength(2000)),
  createdAt: z.number(),
  storedBytes: z.number(),
  gzipBytes: z.number(),
  params: z.number(),
});
const manifestSchema = z.object({
  format: z.literal(EXPERIMENT_FILE_FORMAT),
  version: z.literal(EXPERIMENT_FILE_VERSION),
  link: z.unknown(),
  models: z.array(z.object({ entry: entrySchema, record: z.nullable(z.unknown()), files: z.array(relPath).check(z.minLength(1), z.maxLength(1000)) })).check(z.maxLength(200)),
});

const bad = (why: string) => new BonsaiError('ZIP_INVALID', `This is not a Bonsai experiment file: ${why}.`, 'Export it again from Bonsai (Share → Export experiment file). Nothing was saved.');

export function writeExperimentFile(link: ShareLink, models: readonly ExperimentModel[]): Uint8Array {
  const manifest = {
    format: EXPERIMENT_FILE_FORMAT,
    version: EXPERIMENT_FILE_VERSION,
    link,
    models: models.map((m) => ({ entry: m.entry, record: m.record, files: m.files.map((f) => f.path) })),
  };
  const tree: Record<string, Uint8Array> = { 'experiment.json': new TextEncoder().encode(JSON.stringify(manifest)) };
  for (const m of models) for (const f of m.files) tree[`models/${m.entry.id}/${f.path}`] = f.bytes;
  return zipSync(tree, { level: 6 });
}

export function readExperimentFile(bytes: Uint8Array): { link: ShareLink; models: ExperimentModel[] } {
  if (bytes.length > MAX_EXPERIMENT_BYTES) throw bad(`it is larger than ${MAX_EXPERIMENT_BYTES / 1024 / 1024} MB`);
  let tree: Record<string, Uint8Array>;
  let total = 0;
  try {
    tree = unzipSync(bytes, {
      filter: (f) => {
        total += f.originalSize;
        if (total > MAX_EXPERIMENT_BYTES) throw bad(`it unpacks to more than ${MAX_EXPERIMENT_BYTES / 1024 / 1024} MB`);
        return true;
      },
    });
  } catch (e) {
    if (e instanceof BonsaiError) throw e;
    throw bad('the zip cannot be read');
  }
  const json = tree['experiment.json'];
  if (!json) throw bad('it has no experiment.json');
  let raw: unknown;
  try {
    raw = parseJsonSafely(new TextDecoder('utf-8', { fatal: true }).decode(json));
  } catch (e) {
    throw bad(e instanceof BonsaiError ? e.message : 'experiment.json is not JSON');
  }
  const manifest = manifestSchema.safeParse(raw);
  if (!manifest.success) throw bad(`experiment.json: ${manifest.error.issues[0].path.join('.')}: ${manifest.error.issues[0].message}`);
  const link = shareLinkSchema.safeParse(manifest.data.link);
  if (!link.success) throw bad(`experiment.json link: ${link.error.issues[0].path.join('.')}: ${link.error.issues[0].message}`);
  const models = manifest.data.models.map((m) => {
    const record = m.record === null ? null : parseVariantRecord(m.record);
    if (record && record.id !== m.entry.id) throw bad(`the record of ${m.entry.name} belongs to another model`);
    const files = m.files.map((p) => {
      const b = tree[`models/${m.entry.id}/${p}`];
      if (!b) throw bad(`${m.entry.name}: ${p} is missing`);
      return { path: p, bytes: b };
    });
    return { entry: m.entry as unknown as LibraryEntry, record, files };
  });
  return { link: link.data, models };
}
