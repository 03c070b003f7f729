/**
 * Objectives (no tf): the Pareto front by non-dominated sorting (Deb et al.'s fronts, O(n²) per
 * front — a search has tens to hundreds of candidates), and the single ranking score of MnasNet
 * (Tan et al. 2019): accuracy × (latency / target)^w, with w = −0.07 by default (their soft
 * constraint: a model twice as slow as the target scores ≈ 4.7% lower).
 */

export interface ObjectivePoint {
  /** Higher is better. */
  accuracy: number;
  /** Lower is better. */
  latencyMs: number;
  /** Lower is better (gzip bytes). */
  size: number;
}

export const MNAS_W = -0.07;

/** a dominates b: no worse in every objective and better in one. */
export function dominates(a: ObjectivePoint, b: ObjectivePoint): boolean {
  const noWorse = a.accuracy >= b.accuracy && a.latencyMs <= b.latencyMs && a.size <= b.size;
  const better = a.accuracy > b.accuracy || a.latencyMs < b.latencyMs || a.size < b.size;
  return noWorse && better;
}

/** The front rank of each point: 0 = non-dominated (the Pareto front), 1 = front once 0 is removed… */
export function frontRanks(points: readonly ObjectivePoint[]): number[] {
  const rank = new Array<number>(points.length).fill(-1);
  let remaining = points.map((_, i) => i);
  for (let r = 0; remaining.length; r++) {
    const front = remaining.filter((i) => !remaining.some((j) => j !== i && dominates(points[j], points[i])));
    for (const i of front) rank[i] = r;
    remaining = remaining.filter((i) => rank[i] === -1);
  }
  return rank;
}

/** Indexes of the Pareto front, over only the objectives named (e.g. accuracy vs latency for a 2-D chart). */
export function paretoFront(points: readonly ObjectivePoint[], objectives: (keyof ObjectivePoint)[] = ['accuracy', 'latencyMs', 'size']): number[] {
  const project = (p: ObjectivePoint): ObjectivePoint => ({
    accuracy: objectives.includes('accuracy') ? p.accuracy : 0,
    latencyMs: objectives.includes('latencyMs') ? p.latencyMs : 0,
    size: objectives.includes('size') ? p.size : 0,
  });
  const ranks = frontRanks(points.map(project));
  return ranks.flatMap((r, i) => (r === 0 ? [i] : []));
}

/** MnasNet's score: accuracy × (latency / target)^w. */
export function mnasScore(accuracy: number, latencyMs: number, targetMs: number, w = MNAS_W): number {
  if (!(targetMs > 0) || !(latencyMs > 0)) return accuracy;
  return accuracy * Math.pow(latencyMs / targetMs, w);
}
