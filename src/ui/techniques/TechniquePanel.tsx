import { Suspense, lazy, useDeferredValue, useEffect, useState, type ReactNode } from 'react';
import { BonsaiError } from '../../engine/errors';
import type { TechniqueMeta } from '../../engine/techniques/types';
import { optimizeCurrent } from '../../store/optimize-actions';
import { useStore, selectCurrentModel, selectCurrentReport, selectCurrentDataset, selectJob } from '../../store/store';
import type { TechniqueId, TechniqueStep } from '../../worker/protocol';
import { JobProgress } from '../JobProgress';
import { VariantCard } from './VariantCard';

const PerLayerChart = lazy(() => import('../charts/PerLayerChart').then((m) => ({ default: m.PerLayerChart })));
const TrainingChart = lazy(() => import('../charts/TrainingChart').then((m) => ({ default: m.TrainingChart })));
const selectOptimizeJob = selectJob('optimize');

/** A preset that is a recipe of several steps (e.g. Deep Compression: prune → cluster). */
export interface RecipePreset {
  id: string;
  label: string;
  description: string;
  steps: TechniqueStep[];
}

export interface OptionsProps<C> {
  config: C;
  onChange(config: C): void;
}

interface Props<C> {
  technique: TechniqueId;
  meta: TechniqueMeta<C>;
  intro: ReactNode;
  Options: (props: OptionsProps<C>) => ReactNode;
  recipes?: RecipePreset[];
  /** Numeric per-layer columns to chart, in order of preference. */
  chartKeys: string[];
  /** Extra tools shown under the options (e.g. the sensitivity scan). */
  tools?: ReactNode;
}

/** One technique tab: presets first, options folded, Run, progress with Cancel, result card. */
export function TechniquePanel<C>({ technique, meta, intro, Options, recipes = [], chartKeys, tools }: Props<C>) {
  const model = useStore(selectCurrentModel);
  const dataset = useStore(selectCurrentDataset);
  const report = useDeferredValue(useStore(selectCurrentReport));
  const job = useStore(selectOptimizeJob);
  const [config, setConfig] = useState<C>(meta.presets[0]?.config ?? meta.defaults);
  const [presetId, setPresetId] = useState<string>(meta.presets[0]?.id ?? '');
  const [problem, setProblem] = useState<string | null>(null);
  const [json, setJson] = useState(() => JSON.stringify(config, null, 2));
  useEffect(() => setJson(JSON.stringify(config, null, 2)), [config]);

  const recipe = recipes.find((r) => r.id === presetId);
  const run = () => {
    try {
      const steps: TechniqueStep[] = recipe ? recipe.steps : [{ technique, config: meta.validate(config) }];
      setProblem(null);
      void optimizeCurrent(steps);
    } catch (e) {
      setProblem(e instanceof BonsaiError ? `${e.message}${e.hint ? ` ${e.hint}` : ''}` : String(e));
    }
  };
  const mine = report && report.steps.some((s) => s.technique === technique) ? report : undefined;
  const chartKey = mine ? chartKeys.filter((k) => mine.perLayer.some((r) => typeof r[k] === 'number')) : [];

  return (
    <section aria-labelledby={`${technique}-title`} data-testid={`${technique}-panel`}>
      <h2 id={`${technique}-title`}>{meta.label}</h2>
      <div className="muted">{intro}</div>
      <div className="presets" role="group" aria-label="Presets">
        {meta.presets.map((p) => (
          <button
            key={p.id}
            type="button"
            aria-pressed={presetId === p.id}
            title={p.description}
            onClick={() => {
              setPresetId(p.id);
              setConfig(p.config);
            }}
          >
            {p.label}
          </button>
        ))}
        {recipes.map((r) => (
          <button key={r.id} type="button" aria-pressed={presetId === r.id} title={r.description} onClick={() => setPresetId(r.id)}>
            {r.label}
          </button>
        ))}
      </div>
      <p className="muted" data-testid="preset-description">
        {recipe?.description ?? meta.presets.find((p) => p.id === presetId)?.description ?? 'Custom settings.'}
      </p>
      {!recipe ? (
        <details className="advanced">
          <summary>Options</summary>
          <Options
            config={config}
            onChange={(c) => {
              setPresetId('');
              setConfig(c);
            }}
          />
          <details className="advanced">
            <summary>All settings (JSON)</summary>
            <textarea
              aria-label="All settings as JSON"
              value={json}
              onChange={(e) => setJson(e.target.value)}
              onBlur={() => {
                try {
                  setConfig(JSON.parse(json) as C);
                  setPresetId('');
                  setProblem(null);
                } catch {
                  setProblem('The settings are not valid JSON.');
                }
              }}
            />
          </details>
        </details>
      ) : null}
      {tools}
      {problem ? (
        <p className="warning" role="status" data-testid="config-problem">
          {problem}
        </p>
      ) : null}
      <div className="row">
        <button type="button" className="primary" disabled={!model || !!job} onClick={run}>
          Run {meta.label.toLowerCase()}
        </button>
        <span className="muted">
          on {model?.name ?? '—'} with {dataset ? dataset.summary.name : 'no dataset'}
        </span>
      </div>
      {job ? (
        <>
          <JobProgress job={job} />
          {job.points.length ? (
            <Suspense fallback={null}>
              <TrainingChart points={job.points} />
            </Suspense>
          ) : null}
        </>
      ) : null}
      {mine && model ? (
        <>
          <VariantCard report={mine} parentName={model.parent?.name ?? 'parent'} name={model.name} />
          {chartKey.length ? (
            <Suspense fallback={<div className="chart-placeholder">Loading chart…</div>}>
              <PerLayerChart rows={mine.perLayer} keys={chartKey.slice(0, 2)} title={`Per layer: ${chartKey.slice(0, 2).join(', ')}`} />
            </Suspense>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
