/**
 * The techniques the worker can run, by id. Adding a technique touches its folder, this registry
 * and one Options component (DESIGN.md §2).
 */
import { PRUNE_META } from './prune/meta';
import { runPrune } from './prune/run';
import { QUANTIZE_META } from './quantize/meta';
import { runQuantize } from './quantize/run';
import type { TechniqueMeta, TechniqueRun } from './types';

export interface RegisteredTechnique {
  meta: TechniqueMeta<unknown>;
  run: TechniqueRun<unknown>;
}

export const TECHNIQUES: Record<'prune' | 'quantize', RegisteredTechnique> = {
  prune: { meta: PRUNE_META as TechniqueMeta<unknown>, run: runPrune as TechniqueRun<unknown> },
  quantize: { meta: QUANTIZE_META as TechniqueMeta<unknown>, run: runQuantize as TechniqueRun<unknown> },
};
