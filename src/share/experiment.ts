/**
 * An experiment as a share link: the open model's lineage in the library — its root (the base
 * model: a sample, a URL or a file known by SHA-256) and every variant descended from that root,
 * each with its parent, its steps and configs and its measured metrics (VariantRecord.report).
 */
import type { DeviceProfile } from '../backend/types';
import type { VariantMetrics, VariantReport } from '../engine/pipeline/report-types';
import type { ModelInfo } from '../worker/protocol';
import type { VariantRecord } from './records';
import { LINK_VERSION, type ShareLink } from './link';

type LinkMetrics = ShareLink['metrics'];

function metricsOf(m: VariantMetrics, latency: LinkMetrics['latency']): LinkMetrics {
  return { params: m.params, nonZero: m.nonZeroParams, stored: m.storedBytes, gzip: m.gzipBytes, flops: m.flops, accuracy: m.accuracy, latency };
}

const latencyOf = (r: VariantReport, side: 'beforeMs' | 'afterMs') => r.latency.map((l) => ({ backend: l.backend, batch: l.batchSize, ms: Number(l[side].toPrecision(4)) }));

function deviceOf(d: DeviceProfile | null | undefined): ShareLink['device'] {
  if (!d) return null;
  // Records from older versions keep only backend and userAgent for sure.
  const wasm = (d as Partial<DeviceProfile>).wasm;
  return { backend: String(d.backend).slice(0, 20), ...(wasm ? { simd: wasm.simd, threads: wasm.threadCount } : {}), agent: String(d.userAgent ?? '').slice(0, 300) };
}

/**
 * The experiment the open model belongs to, or why there is none to share (null + reason): the
 * base must be reopenable by the receiver (a sample or a URL; a dropped file is asked for by its
 * SHA-256), and at least one variant must have been made from it.
 */
export function lineageOf(model: ModelInfo, records: readonly VariantRecord[]): { rootSha: string; ordered: VariantRecord[] } {
  const bySha = new Map(records.map((r) => [r.id, r]));
  // Walk up to the root: the first ancestor without a record of its own.
  let rootSha: string = model.summary.sha256;
  const seen = new Set<string>();
  while (bySha.has(rootSha) && !seen.has(rootSha)) {
    seen.add(rootSha);
    const parent = bySha.get(rootSha)!.parentId;
    if (!parent) break;
    rootSha = parent;
  }
  const children = new Map<string, VariantRecord[]>();
  for (const r of records) if (r.parentId) children.set(r.parentId, [...(children.get(r.parentId) ?? []), r]);
  const ordered: VariantRecord[] = [];
  const queue = [rootSha];
  while (queue.length) {
    for (const c of (children.get(queue.shift()!) ?? []).sort((a, b) => a.createdAt - b.createdAt)) {
      if (!c.report || ordered.includes(c)) continue;
      ordered.push(c);
      queue.push(c.id);
    }
  }
  return { rootSha, ordered };
}

/**
 * A model alone with this device's benchmark: the receiver benchmarks their device and compares.
 * Only a model the receiver can open by reference (a sample or a URL) can be shared this way.
 */
function benchmarkLink(model: ModelInfo, extras: LinkExtras): { link: ShareLink } | { reason: string } {
  const runs = extras.benchmark ?? [];
  let base: ShareLink['base'];
  if (model.ref?.kind === 'sample' && !model.parent) base = { kind: 'sample', id: model.ref.sampleId };
  else if (model.source.kind === 'url') base = { kind: 'url', url: model.source.label };
  else return { reason: 'Nothing to share yet: run a technique on this model first (the link carries its variants), or open a sample or a URL and benchmark it.' };
  if (!runs.length) return { reason: 'Nothing to share yet: run a technique on this model (the link carries its variants), or benchmark it (Benchmark tab) to share its latency for others to compare with.' };
  const s = model.summary;
  return {
    link: {
      v: LINK_VERSION,
      base,
      name: model.name.slice(0, 200),
      dataset: extras.dataset,
      seed: extras.seed ?? null,
      device: deviceOf(extras.device),
      metrics: { params: s.params, nonZero: s.nonZeroParams, stored: s.storedBytes, gzip: s.gzipBytes, flops: s.flops, accuracy: null, latency: runs.map((r) => ({ backend: r.backend, batch: r.batchSize, ms: Number(r.medianMs.toPrecision(4)) })).slice(0, 16) },
      variants: [],
    },
  };
}

export interface LinkExtras {
  dataset: string | null;
  seed?: number | null;
  /** This device's benchmark of the open model (shared when it has no variants). */
  benchmark?: { backend: string; batchSize: number; medianMs: number }[];
  device?: DeviceProfile | null;
}

export function experimentLink(model: ModelInfo, records: readonly VariantRecord[], extras: LinkExtras): { link: ShareLink } | { reason: string } {
  const { rootSha, ordered } = lineageOf(model, records);
  if (!ordered.length) return benchmarkLink(model, extras);
  const first = ordered[0];
  const ref = first.parentRef;
  const rootName = first.parentName;
  let base: ShareLink['base'];
  if (ref?.kind === 'sample') base = { kind: 'sample', id: ref.sampleId };
  else if (model.source.kind === 'url' && model.summary.sha256 === rootSha) base = { kind: 'url', url: model.source.label };
  else base = { kind: 'file', sha256: rootSha, bytes: first.report!.before.storedBytes, name: rootName.slice(0, 200) };
  const index = new Map(ordered.map((r, i) => [r.id, i]));
  const device = ordered.flatMap((r) => r.report!.latency.map((l) => l.device)).find((d) => d) ?? null;
  return {
    link: {
      v: LINK_VERSION,
      base,
      name: rootName,
      dataset: extras.dataset,
      seed: extras.seed ?? null,
      device: deviceOf(device),
      metrics: metricsOf(first.report!.before, latencyOf(first.report!, 'beforeMs')),
      variants: ordered.map((r) => ({
        name: r.name.slice(0, 200),
        parent: r.parentId === rootSha || !r.parentId ? -1 : (index.get(r.parentId) ?? -1),
        step: r.report!.step.slice(0, 500),
        steps: r.steps.slice(0, 10),
        sha: r.id.slice(0, 16),
        metrics: metricsOf(r.report!.after, latencyOf(r.report!, 'afterMs')),
      })),
    },
  };
}
