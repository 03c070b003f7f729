/**
 * The persisted variant model: versioned zod schemas for what IndexedDB keeps about each variant
 * (and each analysis), and the one way to read them back — validate, migrate old versions,
 * refuse unknown ones. Experiments and share links (later) serialise these same records.
 *
 * Versions: 0 = a library entry from before records existed (its `parent`/`step` fields only);
 * 1 = this file's schemas. Add a version by adding a schema and one migration step.
 */
// zod/mini: the same schemas as zod's, tree-shakable — a fraction of the page's bundle.
import * as z from 'zod/mini';
import { BonsaiError } from '../engine/errors';
import type { DeviceProfile } from '../backend/types';
import type { AnalysisReport, VariantReport } from '../engine/pipeline/report-types';

// Bonsai runs under a CSP without 'unsafe-eval': zod's JIT probe (`new Function`) would be
// reported as a violation even though zod catches it. Plain interpretation is fast enough here.
z.config({ jitless: true });

export const RECORD_SCHEMA_VERSION = 1;

/** A hex SHA-256: how every stored model is known (experiments use it too). */
export const sha256 = z.string().check(z.regex(/^[0-9a-f]{64}$/, 'a hex SHA-256'));
const modelRef = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('sample'), sampleId: z.string().check(z.minLength(1), z.maxLength(200)) }),
  z.object({ kind: z.literal('library'), libraryId: z.string().check(z.minLength(1), z.maxLength(200)) }),
]);
const step = z.object({ technique: z.string().check(z.minLength(1), z.maxLength(100)), config: z.unknown() });
const row = z.intersection(z.record(z.string(), z.union([z.number(), z.string(), z.null()])), z.object({ layer: z.string() }));
const nullableNumber = z.nullable(z.number());
const device = z.nullable(z.looseObject({ backend: z.string(), userAgent: z.string() }));

const metrics = z.object({
  params: z.number(),
  nonZeroParams: z.number(),
  storedBytes: z.number(),
  gzipBytes: z.number(),
  flops: nullableNumber,
  flopsUnknown: z.optional(z.string()),
  residentBytes: nullableNumber,
  accuracy: nullableNumber,
  accuracyUnknown: z.optional(z.string()),
});

const epochLog = z.looseObject({ epoch: z.number(), loss: z.number() });

const variantReport = z.object({
  steps: z.array(step),
  step: z.string(),
  perLayer: z.array(row),
  notes: z.array(z.string()),
  before: metrics,
  after: metrics,
  fidelity: z.nullable(z.object({
    agreement: z.number(),
    meanKL: z.number(),
    count: z.number(),
    inputs: z.enum(['test split', 'synthetic (weak: no dataset fits)']),
    maxLogitDelta: z.optional(z.number()),
    parentClasses: z.optional(z.number()),
    parentTopShare: z.optional(z.number()),
    distribution: z.optional(z.string()),
    notMeaningful: z.optional(z.string()),
  })),
  fidelityUnknown: z.optional(z.string()),
  latency: z.array(z.object({ backend: z.string(), batchSize: z.number(), beforeMs: z.number(), afterMs: z.number(), ratio: z.number(), ratioSpread: z.optional(z.tuple([z.number(), z.number()])), device })),
  history: z.optional(z.object({ epochs: z.array(epochLog), samplesPerSec: z.number(), stoppedEarly: z.boolean() })),
  data: z.optional(z.string()),
  role: z.optional(z.string()),
});

export const variantRecordSchema = z.object({
  schema: z.literal(1),
  /** SHA-256 of the variant's files: the same bytes are the same variant. */
  id: sha256,
  /** SHA-256 of the parent's files. */
  parentId: z.nullable(sha256),
  /** How to reopen the parent (a sample, or a library entry). */
  parentRef: z.nullable(modelRef),
  parentName: z.string(),
  name: z.string(),
  format: z.enum(['layers', 'graph']),
  steps: z.array(step),
  createdAt: z.number(),
  /** Shared by every variant one run made (a distilled student and its scratch baseline). */
  runId: z.optional(z.string().check(z.maxLength(200))),
  /** null for a model that was made before reports were kept (migrated from version 0). */
  report: z.nullable(variantReport),
});

export const analysisRecordSchema = z.object({
  schema: z.literal(1),
  id: z.string().check(z.minLength(1), z.maxLength(400)),
  /** SHA-256 of the analysed model's files. */
  modelId: sha256,
  modelName: z.string(),
  technique: z.string(),
  config: z.unknown(),
  createdAt: z.number(),
  device,
  report: z.object({
    title: z.string(),
    step: z.string(),
    perLayer: z.array(row),
    notes: z.array(z.string()),
    values: z.optional(z.record(z.string(), nullableNumber)),
    data: z.optional(z.string()),
  }),
});

export type VariantRecord = Omit<z.infer<typeof variantRecordSchema>, 'report'> & { report: VariantReport | null };
export type AnalysisRecord = Omit<z.infer<typeof analysisRecordSchema>, 'report' | 'device'> & { report: AnalysisReport; device: DeviceProfile | null };

/** A library entry from before version 1: what it knew about its parent. */
const legacyEntry = z.object({
  id: sha256,
  name: z.string(),
  format: z.enum(['layers', 'graph']),
  createdAt: z.number(),
  parent: z.optional(z.object({ ref: modelRef, name: z.string(), step: z.string() })),
  step: z.optional(step),
});

function invalid(what: string, detail: string): BonsaiError {
  return new BonsaiError('RECORD_INVALID', `A saved ${what} could not be read: ${detail}.`,
    'It may come from a newer version of Bonsai or be damaged. The model files themselves are unaffected.');
}

/** The first three problems zod found, each with its path: what a RECORD_INVALID message says. */
export function issues(e: { issues: readonly { path: PropertyKey[]; message: string }[] }): string {
  return e.issues.slice(0, 3).map((i) => `${i.path.map(String).join('.') || 'record'}: ${i.message}`).join('; ');
}

/** Any stored variant record (any known version) → the current version, or RECORD_INVALID. */
export function parseVariantRecord(raw: unknown): VariantRecord {
  if (typeof raw !== 'object' || raw === null) throw invalid('variant', 'not an object');
  const version = (raw as { schema?: unknown }).schema;
  if (version === undefined) {
    const legacy = legacyEntry.safeParse(raw);
    if (!legacy.success) throw invalid('variant', issues(legacy.error));
    const e = legacy.data;
    return {
      schema: 1,
      id: e.id,
      parentId: e.parent?.ref.kind === 'library' && /^[0-9a-f]{64}$/.test(e.parent.ref.libraryId) ? e.parent.ref.libraryId : null,
      parentRef: e.parent?.ref ?? null,
      parentName: e.parent?.name ?? '',
      name: e.name,
      format: e.format,
      steps: e.step ? [e.step] : [],
      createdAt: e.createdAt,
      report: null,
    };
  }
  if (version !== 1) throw invalid('variant', `schema version ${JSON.stringify(version)} is not one this Bonsai knows (1)`);
  const r = variantRecordSchema.safeParse(raw);
  if (!r.success) throw invalid('variant', issues(r.error));
  return r.data as VariantRecord;
}

export function parseAnalysisRecord(raw: unknown): AnalysisRecord {
  if (typeof raw !== 'object' || raw === null) throw invalid('report', 'not an object');
  const version = (raw as { schema?: unknown }).schema;
  if (version !== 1) throw invalid('report', `schema version ${JSON.stringify(version)} is not one this Bonsai knows (1)`);
  const r = analysisRecordSchema.safeParse(raw);
  if (!r.success) throw invalid('report', issues(r.error));
  return r.data as AnalysisRecord;
}
