import { Suspense, lazy, useDeferredValue, useEffect, useMemo, useState } from 'react';
import { BonsaiError } from '../../engine/errors';
import { optimizeCurrent } from '../../store/optimize-actions';
import { addToRecipe } from '../../store/recipe-actions';
import { parseRecipeSteps } from '../../store/recipe-steps';
import { useStore, selectCurrentModel, selectCurrentRecord, selectCurrentAnalyses, selectJob } from '../../store/store';
import type { TechniqueStep } from '../../worker/protocol';
import { DatasetFitWarning } from '../DatasetFitWarning';
import { JobProgress } from '../JobProgress';
import { PerLayerTable } from './PerLayerTable';
import { ReportCard } from './ReportCard';
import { RunTarget } from './RunTarget';
import type { TechniqueTab } from './registry';
import { VariantCard } from './VariantCard';

const PerLayerChart = lazy(() => import('../charts/PerLayerChart').then((m) => ({ default: m.PerLayerChart })));
const TrainingChart = lazy(() => import('../charts/TrainingChart').then((m) => ({ default: m.TrainingChart })));
const selectOptimizeJob = selectJob('optimize');

/** One technique tab, generated from its meta: presets first, options folded, Run, progress with Cancel, results. */
export function TechniquePanel({ tab }: { tab: TechniqueTab }) {
  const { id: technique, meta, Options } = tab;
  const model = useStore(selectCurrentModel);
  const record = useDeferredValue(useStore(selectCurrentRecord));
  const analyses = useStore(selectCurrentAnalyses);
  const job = useStore(selectOptimizeJob);
  const format = model?.format ?? 'layers';
  const why = (config: unknown) => meta.unavailable?.(config, { format }) ?? null;
  // The default is the first preset that can run on the open model.
  const firstRunnable = useMemo(() => meta.presets.find((p) => !meta.unavailable?.(p.config, { format })) ?? meta.presets[0], [meta, format]);
  const [config, setConfig] = useState<unknown>(firstRunnable?.config ?? meta.defaults);
  const [presetId, setPresetId] = useState<string>(firstRunnable?.id ?? '');
  /** The preset the custom settings were edited from (its label stays in view: "from 'Gradual 90%', edited"). */
  const [editedFrom, setEditedFrom] = useState<string | null>(null);
  /** Settings edited by hand: no preset is pressed any more, but the one they came from is still named. */
  const editSettings = (c: unknown) => {
    const from = meta.presets.find((p) => p.id === presetId)?.label;
    if (from) setEditedFrom(from);
    setPresetId('');
    setConfig(c);
  };
  const [problem, setProblem] = useState<string | null>(null);
  /** A recipe preset's steps as edited in its JSON box (null: the recipe's own). */
  const [recipeJson, setRecipeJson] = useState<string | null>(null);
  const [json, setJson] = useState(() => JSON.stringify(config, null, 2));
  useEffect(() => setJson(JSON.stringify(config, null, 2)), [config]);
  useEffect(() => {
    // A model of another format may not run the chosen preset: fall back to one that can.
    if (firstRunnable && meta.presets.some((p) => p.id === presetId) && meta.unavailable?.(config, { format })) {
      setPresetId(firstRunnable.id);
      setConfig(firstRunnable.config);
    }
  }, [format]);

  const recipe = meta.recipes?.find((r) => r.id === presetId);
  const blocked = recipe ? null : why(config);
  /** The steps these settings make (a recipe preset's, or one validated step), handed to `use`; a bad setting is shown. */
  const withSteps = (use: (steps: TechniqueStep[]) => void) => {
    try {
      const steps: TechniqueStep[] = recipe ? (recipeJson === null ? recipe.steps : parseRecipeSteps(recipeJson)) : [{ technique, config: meta.validate(config) }];
      setProblem(null);
      use(steps);
    } catch (e) {
      setProblem(e instanceof BonsaiError ? `${e.message}${e.hint ? ` ${e.hint}` : ''}` : String(e));
    }
  };
  const run = () => withSteps((steps) => void optimizeCurrent(steps));
  const addStep = () => withSteps((steps) => steps.forEach(addToRecipe));
  const mine = record?.report && record.steps.some((s) => s.technique === technique) ? record.report : undefined;
  const chartKey = mine ? meta.chartKeys.filter((k) => mine.perLayer.some((r) => typeof r[k] === 'number')) : [];
  const analysis = analyses.find((a) => a.technique === technique);

  return (
    <section aria-labelledby={`${technique}-title`} data-testid={`${technique}-panel`}>
      <h2 id={`${technique}-title`}>{meta.label}</h2>
      <p className="muted">{meta.intro}</p>
      <RunTarget busy={!!job} />
      {/* Methods that need data (fine-tuning, calibration, distillation) cannot use a dataset that does not fit. */}
      <DatasetFitWarning />
      <div className="presets" role="group" aria-label="Presets">
        {meta.presets.map((p) => {
          const reason = why(p.config);
          return (
            <button
              key={p.id}
              type="button"
              aria-pressed={presetId === p.id}
              title={reason ?? p.description}
              disabled={!!reason}
              onClick={() => {
                setPresetId(p.id);
                setEditedFrom(null);
                setConfig(p.config);
              }}
            >
              {p.label}
            </button>
          );
        })}
        {(meta.recipes ?? []).map((r) => (
          <button key={r.id} type="button" aria-pressed={presetId === r.id} title={r.description} disabled={format === 'graph'} onClick={() => {
            setPresetId(r.id);
            setRecipeJson(null);
            setProblem(null);
          }}>
            {r.label}
          </button>
        ))}
      </div>
      <p className="muted" data-testid="preset-description">
        {recipe ? `${recipe.description}${recipeJson !== null ? ' (steps edited)' : ''}` : meta.presets.find((p) => p.id === presetId)?.description ?? (editedFrom ? `Custom settings: the “${editedFrom}” preset, edited.` : 'Custom settings.')}
      </p>
      {!recipe ? (
        <details className="advanced">
          <summary>Options</summary>
          <Options
            config={config}
            onChange={editSettings}
          />
          <details className="advanced">
            <summary>All settings (JSON)</summary>
            <textarea
              aria-label="All settings as JSON"
              value={json}
              onChange={(e) => setJson(e.target.value)}
              onBlur={() => {
                try {
                  editSettings(JSON.parse(json) as unknown);
                  setProblem(null);
                } catch {
                  setProblem('The settings are not valid JSON.');
                }
              }}
            />
          </details>
        </details>
      ) : (
        <details className="advanced">
          <summary>Recipe steps (JSON)</summary>
          <textarea
            aria-label="Recipe steps as JSON"
            value={recipeJson ?? JSON.stringify(recipe.steps, null, 2)}
            onChange={(e) => setRecipeJson(e.target.value)}
          />
        </details>
      )}
      {problem ?? blocked ? (
        <p className="warning" role="status" data-testid="config-problem">
          {problem ?? blocked}
        </p>
      ) : null}
      <div className="row">
        <button type="button" className="primary" disabled={!model || !!job || !!blocked} onClick={run} aria-describedby="run-target-text">
          Run {meta.label.toLowerCase()}
        </button>
        <button type="button" disabled={!!blocked} onClick={addStep} title="Add these settings as a step of your recipe (run it on any model from the recipe card)">
          Add to recipe
        </button>
      </div>
      {job ? (
        <>
          <JobProgress job={job} />
          {job.points.length && !tab.Live ? (
            <Suspense fallback={null}>
              <TrainingChart points={job.points} />
            </Suspense>
          ) : null}
        </>
      ) : null}
      {tab.Live ? <tab.Live /> : null}
      {mine && model ? (
        <>
          <VariantCard report={mine} parentName={record?.parentName || model.parent?.name || 'parent'} name={model.name} />
          {tab.Result && record ? <tab.Result record={record} /> : null}
          {chartKey.length ? (
            <Suspense fallback={<div className="chart-placeholder">Loading chart…</div>}>
              <PerLayerChart rows={mine.perLayer} keys={chartKey.slice(0, 2)} title={`Per layer: ${chartKey.slice(0, 2).join(', ')}`} />
            </Suspense>
          ) : null}
          {mine.perLayer.length ? <PerLayerTable rows={mine.perLayer} /> : null}
        </>
      ) : null}
      {analysis ? <ReportCard record={analysis} chartKeys={meta.chartKeys} /> : null}
    </section>
  );
}
