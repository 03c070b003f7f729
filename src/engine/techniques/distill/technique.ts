/** The distill plug-in: emits the scratch baseline (labeled data) and returns the distilled student. */
import type { Technique } from '../types';
import { DISTILL_META, type DistillConfig } from './meta';
import { runDistill } from './run';

export const DISTILL: Technique<DistillConfig> = {
  meta: DISTILL_META,
  run: runDistill,
};
