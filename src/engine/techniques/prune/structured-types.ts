/** Plain-data types of structured pruning's plan (no tf import). The config lives in meta.ts. */
export type { StructuredPruneConfig, TrainSettings } from './meta';

/** Output channels that must share one selection: a lone layer, or layers joined by Add/Multiply/…. */
export interface PruneGroup {
  /** The layers that own these channels (Conv2D filters, Dense units, SeparableConv2D filters). */
  layers: string[];
  /** The merge layers (Add, Multiply, …) that tie them together; empty for a lone layer. */
  joinedBy: string[];
  channels: number;
  /** Ratio applied to the group (the smallest of its members' ratios). */
  ratio: number;
  /** Kept channel indices, ascending: the same for every layer of the group. */
  kept: number[];
}

export interface SkippedLayer {
  layer: string;
  reason: string;
}

export interface StructuredPlan {
  /** Kept output channel/unit indices (ascending) per pruned layer. */
  keep: Map<string, number[]>;
  groups: PruneGroup[];
  /** Layers that keep all their channels, and layers structured pruning cannot rebuild, with why. */
  skipped: SkippedLayer[];
}
