/**
 * The recipe a person builds from the technique tabs ("Add to recipe"): an ordered list of steps,
 * kept across reloads, run as one job on whatever model is open — so the same recipe re-runs on
 * another base model.
 */
import { create } from 'zustand';
import { TECHNIQUE_CATALOG } from '../engine/techniques/catalog';
import type { TechniqueStep } from '../worker/protocol';
import { optimizeCurrent } from './optimize-actions';

const KEY = 'bonsai.recipe';

function recall(): TechniqueStep[] {
  try {
    const raw = JSON.parse(localStorage.getItem(KEY) ?? '[]') as unknown;
    if (!Array.isArray(raw)) return [];
    // Only steps whose technique still exists and whose config still validates come back.
    return raw.flatMap((s) => {
      const meta = s && typeof s === 'object' ? (TECHNIQUE_CATALOG as Record<string, (typeof TECHNIQUE_CATALOG)[keyof typeof TECHNIQUE_CATALOG]>)[(s as TechniqueStep).technique] : undefined;
      if (!meta) return [];
      try {
        return [{ technique: (s as TechniqueStep).technique, config: meta.validate((s as TechniqueStep).config) }];
      } catch {
        return [];
      }
    });
  } catch {
    return [];
  }
}

function remember(steps: TechniqueStep[]): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(steps));
  } catch {
    // Storage denied: the recipe lasts for this page only.
  }
}

export const useRecipe = create<{ steps: TechniqueStep[] }>()(() => ({ steps: typeof localStorage === 'undefined' ? [] : recall() }));

function set(steps: TechniqueStep[]): void {
  useRecipe.setState({ steps });
  remember(steps);
}

export const addToRecipe = (step: TechniqueStep) => set([...useRecipe.getState().steps, step]);
export const removeFromRecipe = (index: number) => set(useRecipe.getState().steps.filter((_, i) => i !== index));
export const moveInRecipe = (index: number, by: -1 | 1) => {
  const steps = [...useRecipe.getState().steps];
  const j = index + by;
  if (j < 0 || j >= steps.length) return;
  [steps[index], steps[j]] = [steps[j], steps[index]];
  set(steps);
};
export const clearRecipe = () => set([]);
export const runRecipeOnOpenModel = () => optimizeCurrent(useRecipe.getState().steps);
