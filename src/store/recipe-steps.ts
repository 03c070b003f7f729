/** Recipe steps typed as JSON (a recipe preset's, edited), checked the way each technique checks its settings. */
import { BonsaiError } from '../engine/errors';
import { TECHNIQUE_CATALOG } from '../engine/techniques/catalog';
import type { TechniqueStep } from '../worker/protocol';

type Meta = (typeof TECHNIQUE_CATALOG)[keyof typeof TECHNIQUE_CATALOG];

/**
 * Steps as typed (a recipe preset's, edited — e.g. a shorter fine-tune): a JSON array of
 * {technique, config}, each config validated by its technique. BAD_CONFIG names the step.
 */
export function parseRecipeSteps(json: string): TechniqueStep[] {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new BonsaiError('BAD_CONFIG', 'Error in the recipe steps: they are not valid JSON.', 'Fix the JSON, or pick the recipe again to start from its own steps.');
  }
  if (!Array.isArray(raw) || !raw.length || raw.length > 10) {
    throw new BonsaiError('BAD_CONFIG', 'Error in the recipe steps: expected a list of 1 to 10 steps ({"technique", "config"}).', 'Pick the recipe again to start from its own steps.');
  }
  return raw.map((s: unknown, i) => {
    const technique = s && typeof s === 'object' ? (s as { technique?: unknown }).technique : undefined;
    const meta = typeof technique === 'string' && Object.hasOwn(TECHNIQUE_CATALOG, technique) ? (TECHNIQUE_CATALOG as Record<string, Meta>)[technique] : undefined;
    if (!meta) throw new BonsaiError('BAD_CONFIG', `Error in recipe step ${i + 1}: ${JSON.stringify(technique)} is not a technique (expected one of ${Object.keys(TECHNIQUE_CATALOG).join(', ')}).`);
    try {
      return { technique: technique as string, config: meta.validate((s as TechniqueStep).config) };
    } catch (e) {
      if (e instanceof BonsaiError) throw new BonsaiError(e.code, `Error in recipe step ${i + 1} (${meta.label}): ${e.message}`, e.hint);
      throw e;
    }
  });
}
