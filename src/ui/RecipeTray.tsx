import { TECHNIQUE_CATALOG } from '../engine/techniques/catalog';
import { clearRecipe, moveInRecipe, removeFromRecipe, runRecipeOnOpenModel, useRecipe } from '../store/recipe-actions';
import { selectCurrentModel, selectJob, useStore } from '../store/store';

const labelOf = (technique: string) => (TECHNIQUE_CATALOG as Record<string, { label: string }>)[technique]?.label ?? technique;

/** One line per step, e.g. "Prune: structured, ratio 0.5". */
function summary(config: unknown): string {
  if (!config || typeof config !== 'object') return '';
  return Object.entries(config as Record<string, unknown>)
    .filter(([, v]) => typeof v !== 'object')
    .map(([k, v]) => `${k} ${String(v)}`)
    .join(', ');
}

/** The recipe built with "Add to recipe": reorder, remove, run on the open model (any model). */
export function RecipeTray() {
  const steps = useRecipe((s) => s.steps);
  const model = useStore(selectCurrentModel);
  const job = useStore(selectJob('optimize'));
  if (!steps.length) return null;
  return (
    <section className="card" aria-labelledby="recipe-title" data-testid="recipe-tray">
      <h2 id="recipe-title">My recipe ({steps.length} step{steps.length === 1 ? '' : 's'})</h2>
      <ol className="recipe-steps">
        {steps.map((s, i) => (
          <li key={i} data-testid="recipe-step">
            <strong>{labelOf(s.technique)}</strong> <span className="muted">{summary(s.config)}</span>
            <span className="row">
              <button type="button" aria-label={`Move step ${i + 1} up`} disabled={i === 0} onClick={() => moveInRecipe(i, -1)}>↑</button>
              <button type="button" aria-label={`Move step ${i + 1} down`} disabled={i === steps.length - 1} onClick={() => moveInRecipe(i, 1)}>↓</button>
              <button type="button" aria-label={`Remove step ${i + 1}`} onClick={() => removeFromRecipe(i)}>×</button>
            </span>
          </li>
        ))}
      </ol>
      <div className="row wrap-row">
        <button type="button" className="primary" disabled={!model || !!job} onClick={() => void runRecipeOnOpenModel()}>
          Run recipe on {model?.name ?? 'the open model'}
        </button>
        <button type="button" onClick={clearRecipe}>Clear</button>
      </div>
      <p className="muted">One job; each step's result is a node of the variant tree. Open another model to re-run the same recipe on it.</p>
    </section>
  );
}
