/**
 * The techniques the worker can run, by id (the UI-safe list is catalog.ts). Adding a technique
 * = its folder + one line here + one line in catalog.ts.
 */
import type { TechniqueId } from './catalog';
import { DISTILL } from './distill/technique';
import { PRUNE } from './prune/technique';
import { QUANTIZE } from './quantize/technique';
import { SEARCH } from './search/technique';
import type { Technique } from './types';

export type TechniqueRegistry = Record<string, Technique<unknown>>;

export const TECHNIQUES = {
  prune: PRUNE as Technique<unknown>,
  quantize: QUANTIZE as Technique<unknown>,
  distill: DISTILL as Technique<unknown>,
  search: SEARCH as Technique<unknown>,
} satisfies Record<TechniqueId, Technique<unknown>>;
