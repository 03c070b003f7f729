/**
 * What deleting a model from the Library does to the experiments and variants around it — pure
 * functions, so the confirmation and the delete (library/delete-model.ts) agree on every number.
 *
 * A deleted variant's children move up to its parent, and their steps become the deleted one's
 * steps followed by theirs: replaying them on the new parent still makes the same bytes, so the
 * tree, the share link and "Reproduce on my device" stay valid.
 */
import type { VariantRecord } from '../share/records';

/** Which experiments (as stored, read leniently) use a model, and how. */
export interface ModelUsage {
  /** Experiments whose base the model is: it cannot be deleted while they exist. */
  baseOf: { id: string; name: string }[];
  /** Experiments that hold it as a variant: it is removed from them. */
  variantIn: { id: string; name: string }[];
}

function fields(raw: unknown): { id: string; name: string; baseSha256?: unknown; variantIds: unknown[] } | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const r = raw as { id?: unknown; name?: unknown; baseSha256?: unknown; variantIds?: unknown };
  const id = typeof r.id === 'string' ? r.id : String(r.id);
  // A damaged experiment still counts: it is named by its id when its name is unreadable.
  return { id, name: typeof r.name === 'string' && r.name ? r.name : `(unreadable experiment ${id.slice(0, 12)})`, baseSha256: r.baseSha256, variantIds: Array.isArray(r.variantIds) ? r.variantIds : [] };
}

export function modelUsage(modelId: string, experiments: readonly unknown[]): ModelUsage {
  const usage: ModelUsage = { baseOf: [], variantIn: [] };
  for (const raw of experiments) {
    const e = fields(raw);
    if (!e) continue;
    if (e.baseSha256 === modelId) usage.baseOf.push({ id: e.id, name: e.name });
    else if (e.variantIds.includes(modelId)) usage.variantIn.push({ id: e.id, name: e.name });
  }
  return usage;
}

/** The experiment (as stored) without the deleted variant, or null when it did not hold it. */
export function withoutVariant<T>(raw: T, modelId: string, now: number): T | null {
  const e = fields(raw);
  if (!e || !e.variantIds.includes(modelId)) return null;
  return { ...raw, variantIds: e.variantIds.filter((v) => v !== modelId), updatedAt: now };
}

/**
 * `child`, made from `gone`, re-parented to `gone`'s parent: its steps are `gone`'s then its own,
 * its "before" is what `gone` was made from, and what was measured against `gone` alone (fidelity,
 * latency on a backend and batch `gone`'s parent was not timed on) is dropped with a note saying so.
 */
export function reparent(child: VariantRecord, gone: VariantRecord): VariantRecord {
  const moved = { ...child, parentId: gone.parentId, parentRef: gone.parentRef, parentName: gone.parentName, steps: [...gone.steps, ...child.steps] };
  if (!child.report) return moved;
  const note = `Made from “${gone.name}”, which was deleted from the Library: it now hangs under “${gone.parentName || 'its parent'}”, with “${gone.name}”’s steps before its own.`;
  if (!gone.report) return { ...moved, report: { ...child.report, notes: [...child.report.notes, `${note} Its “before” figures are still those of “${gone.name}”.`] } };
  const g = gone.report;
  const latency = child.report.latency.flatMap((l) => {
    const from = g.latency.find((x) => x.backend === l.backend && x.batchSize === l.batchSize);
    // Two interleaved ratios chain: parent → gone → child.
    // The chained ratio has no spread of its own: the two runs' bands do not multiply into one.
    const { ratioSpread: _spread, ...kept } = l;
    return from ? [{ ...kept, beforeMs: from.beforeMs, ratio: from.ratio * l.ratio }] : [];
  });
  const droppedLatency = child.report.latency.length - latency.length;
  return {
    ...moved,
    report: {
      ...child.report,
      steps: [...g.steps, ...child.report.steps],
      step: `${g.step} → ${child.report.step}`,
      before: g.before,
      latency,
      fidelity: null,
      fidelityUnknown: `Fidelity was measured against “${gone.name}”, which was deleted.`,
      notes: [...child.report.notes, note, ...(droppedLatency ? [`${droppedLatency} latency measurement(s) were dropped: “${gone.parentName || 'its parent'}” was not timed on that backend and batch size.`] : [])],
    },
  };
}
