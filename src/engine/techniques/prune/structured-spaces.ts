/**
 * Channel spaces and channel layouts: the bookkeeping behind structured pruning.
 *
 * A *space* is a set of channels that one selection (keep these indices) applies to: the filters
 * of a Conv2D, the units of a Dense, the model's input channels. Layers that tie channels together
 * element-wise (Add, Multiply, …) union their inputs' spaces, so the whole dependency group gets
 * one shared selection. A space that must keep every channel (it is the model input, reaches the
 * model output, feeds a layer Bonsai cannot rebuild…) is *blocked*, with the reasons.
 *
 * A *layout* says how a tensor's last axis is made of spaces: `positions` blocks (a Flatten of
 * H×W×C has H·W), each made of segments; segment s holds `size·mult` channels starting at
 * `offset`, channel c of its space at `offset + c·mult + j` for j < mult (DepthwiseConv2D with
 * depth multiplier m turns every channel into m adjacent ones; Concatenate adds offsets).
 */

export interface Segment {
  space: number;
  /** First channel of this segment within one position block. */
  offset: number;
  /** Adjacent channels per space channel (a DepthwiseConv2D depth multiplier). */
  mult: number;
}

export interface Layout {
  segments: Segment[];
  /** Channels in one position block: the sum of the segments' size·mult. */
  channels: number;
  /** Position blocks along the axis (1, or H·W·… after a Flatten, channel-last). */
  positions: number;
}

export class ChannelSpaces {
  private readonly parent: number[] = [];
  private readonly sizes: number[] = [];
  private readonly owners: (string | null)[] = [];
  private readonly reasons = new Map<number, string[]>();
  private readonly merges = new Map<number, string[]>();

  /** A new space of `size` channels owned by a layer (null: no layer can prune it). */
  add(size: number, owner: string | null, blockedBecause?: string): number {
    const id = this.parent.length;
    this.parent.push(id);
    this.sizes.push(size);
    this.owners.push(owner);
    if (blockedBecause) this.block(id, blockedBecause);
    return id;
  }

  size(space: number): number {
    return this.sizes[space];
  }

  owner(space: number): string | null {
    return this.owners[space];
  }

  root(space: number): number {
    let r = space;
    while (this.parent[r] !== r) r = this.parent[r];
    while (this.parent[space] !== r) {
      const next = this.parent[space];
      this.parent[space] = r;
      space = next;
    }
    return r;
  }

  block(space: number, reason: string): void {
    const r = this.root(space);
    const list = this.reasons.get(r) ?? [];
    if (!list.includes(reason)) list.push(reason);
    this.reasons.set(r, list);
  }

  /** Why the group of `space` must keep every channel; empty when it can be pruned. */
  blockedReasons(space: number): string[] {
    return this.reasons.get(this.root(space)) ?? [];
  }

  /** Merge layers that joined this group. */
  joinedBy(space: number): string[] {
    return this.merges.get(this.root(space)) ?? [];
  }

  /** Tie two spaces of equal size into one dependency group (they get one shared selection). */
  union(a: number, b: number, via: string): void {
    const ra = this.root(a);
    const rb = this.root(b);
    const merges = [...new Set([...(this.merges.get(ra) ?? []), ...(this.merges.get(rb) ?? []), via])];
    if (ra !== rb) {
      this.parent[rb] = ra;
      const reasons = [...new Set([...(this.reasons.get(ra) ?? []), ...(this.reasons.get(rb) ?? [])])];
      this.reasons.delete(rb);
      this.merges.delete(rb);
      if (reasons.length > 0) this.reasons.set(ra, reasons);
    }
    this.merges.set(ra, merges);
  }

  /** Every space, grouped by root, in creation order. */
  groups(): number[][] {
    const byRoot = new Map<number, number[]>();
    for (let s = 0; s < this.parent.length; s++) {
      const r = this.root(s);
      byRoot.set(r, [...(byRoot.get(r) ?? []), s]);
    }
    return [...byRoot.values()];
  }
}

export function singleSpaceLayout(space: number, size: number): Layout {
  return { segments: [{ space, offset: 0, mult: 1 }], channels: size, positions: 1 };
}

/** The layout after a DepthwiseConv2D with this depth multiplier. */
export function multiplyLayout(layout: Layout, depthMultiplier: number): Layout {
  return {
    segments: layout.segments.map((s) => ({ space: s.space, offset: s.offset * depthMultiplier, mult: s.mult * depthMultiplier })),
    channels: layout.channels * depthMultiplier,
    positions: layout.positions,
  };
}

/** Two layouts that an element-wise merge can tie segment by segment. */
export function sameStructure(a: Layout, b: Layout, spaces: ChannelSpaces): boolean {
  return (
    a.positions === b.positions &&
    a.channels === b.channels &&
    a.segments.length === b.segments.length &&
    a.segments.every((s, i) => {
      const t = b.segments[i];
      return s.offset === t.offset && s.mult === t.mult && spaces.size(s.space) === spaces.size(t.space);
    })
  );
}

/**
 * Indices kept along a tensor's last axis, ascending, given the kept channels of each group root
 * (`kept.get(root)`; a root that is absent keeps all). null when nothing along this axis is removed.
 */
export function keptAlong(layout: Layout, spaces: ChannelSpaces, kept: ReadonlyMap<number, readonly number[]>): number[] | null {
  const perSegment = layout.segments.map((s) => kept.get(spaces.root(s.space)) ?? null);
  if (perSegment.every((k) => k === null)) return null;
  const block: number[] = [];
  layout.segments.forEach((s, i) => {
    const channels = perSegment[i] ?? [...Array(spaces.size(s.space)).keys()];
    for (const c of channels) for (let j = 0; j < s.mult; j++) block.push(s.offset + c * s.mult + j);
  });
  block.sort((x, y) => x - y);
  const out: number[] = [];
  for (let p = 0; p < layout.positions; p++) for (const i of block) out.push(p * layout.channels + i);
  return out;
}
