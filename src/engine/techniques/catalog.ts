/**
 * The techniques the UI can show, by id: their UI-safe meta only (no tf import anywhere below).
 * `TechniqueId` derives from this list; the worker registry (registry.ts) must list the same ids
 * (a test checks). Adding a technique = its folder + one line here + one line in registry.ts.
 */
import { DISTILL_META } from './distill/meta';
import { PRUNE_META } from './prune/meta';
import { QUANTIZE_META } from './quantize/meta';
import { SEARCH_META } from './search/meta';
import type { TechniqueMeta } from './types';

/** Any technique's meta, config erased: what generic UI (tabs, recipe steps) works with. */
export type AnyTechniqueMeta = TechniqueMeta<unknown>;

export const TECHNIQUE_CATALOG = {
  prune: PRUNE_META as AnyTechniqueMeta,
  quantize: QUANTIZE_META as AnyTechniqueMeta,
  distill: DISTILL_META as AnyTechniqueMeta,
  search: SEARCH_META as AnyTechniqueMeta,
};

export type TechniqueId = keyof typeof TECHNIQUE_CATALOG;

export function catalogEntries(catalog: Record<string, AnyTechniqueMeta> = TECHNIQUE_CATALOG): AnyTechniqueMeta[] {
  return Object.values(catalog);
}
