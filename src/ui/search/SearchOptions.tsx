import { autoPoolSize, type SearchConfig, type StrategyConfig } from '../../engine/techniques/search/meta';
import { BLOCK_TYPES, DEFAULT_CUT_RATIOS, KERNELS, type BlockType, type CutMode, type Kernel } from '../../engine/techniques/search/space';
import { NumberInput, Select } from '../techniques/fields';
import type { OptionsProps } from '../techniques/options';

const BLOCK_LABELS: Record<BlockType, string> = { conv: 'Convolution', separable: 'Depthwise-separable', inverted: 'Inverted residual (MBConv)' };

function toggle<T>(list: readonly T[] | undefined, all: readonly T[], value: T, on: boolean): T[] {
  const current = list ?? [...all];
  return on ? [...new Set([...current, value])] : current.filter((v) => v !== value);
}

/** Nullable number: empty means `emptyMeans` (by default, no limit), which the empty field shows. */
function LimitInput({ label, value, onChange, testId, scale = 1, step, emptyMeans = 'no limit' }: { label: string; value: number | null | undefined; onChange(v: number | null): void; testId?: string; scale?: number; step?: string; emptyMeans?: string }) {
  return (
    <label className="field">
      <span>{label}</span>
      <input
        type="number"
        min={0}
        step={step}
        placeholder={emptyMeans}
        data-testid={testId}
        value={value == null ? '' : value / scale}
        onChange={(e) => onChange(e.target.value === '' ? null : Number(e.target.value) * scale)}
      />
    </label>
  );
}

function strategyOf(kind: StrategyConfig['kind']): StrategyConfig {
  if (kind === 'evolution') return { kind, population: 8, sample: 3 };
  if (kind === 'halving') return { kind, cohort: 16, eta: 3 };
  return { kind };
}

/** Space, constraints, strategy, budget and objective of an architecture search. */
export function SearchOptions({ config, onChange }: OptionsProps<SearchConfig>) {
  const set = (patch: Partial<SearchConfig>) => onChange({ ...config, ...patch });
  const space = config.space;
  const c = config.constraints;
  const s = config.strategy;
  return (
    <div className="options" data-testid="search-options">
      <fieldset>
        <legend>Search space (image data; vector data searches MLPs)</legend>
        {BLOCK_TYPES.map((t) => (
          <label key={t} className="field inline">
            <input type="checkbox" checked={(space.blockTypes ?? BLOCK_TYPES).includes(t)} onChange={(e) => set({ space: { ...space, blockTypes: toggle(space.blockTypes, BLOCK_TYPES, t, e.target.checked) } })} />
            <span>{BLOCK_LABELS[t]}</span>
          </label>
        ))}
        {KERNELS.map((k: Kernel) => (
          <label key={k} className="field inline">
            <input type="checkbox" checked={(space.kernels ?? KERNELS).includes(k)} onChange={(e) => set({ space: { ...space, kernels: toggle(space.kernels, KERNELS, k, e.target.checked) } })} />
            <span>{k}×{k} kernels</span>
          </label>
        ))}
        <NumberInput label="Max blocks" testId="search-max-blocks" value={space.maxBlocks ?? 4} min={0} max={8} onChange={(maxBlocks) => set({ space: { ...space, maxBlocks } })} />
        <NumberInput label="Max hidden dense layers" value={space.maxDense ?? 2} min={0} max={2} onChange={(maxDense) => set({ space: { ...space, maxDense } })} />
        <Select
          label="Cuts of the open model (keep its trained weights)"
          testId="search-cuts"
          value={space.cuts ?? 'off'}
          options={[
            { value: 'off', label: 'Off: every candidate trained from scratch' },
            { value: 'also', label: 'Also: half the draws are cuts of the open model' },
            { value: 'only', label: 'Only: search cuts of the open model' },
          ]}
          onChange={(cuts: CutMode) => set({ space: { ...space, cuts }, ...(cuts !== 'off' ? { reference: true } : {}) })}
        />
        {(space.cuts ?? 'off') !== 'off' ? (
          <small className="hint" data-testid="search-cuts-hint">
            A cut folds pooling into the convolution's stride, merges hidden Dense layers, and removes up to {Math.round(100 * Math.max(0, ...(Array.isArray(space.cutRatios) ? space.cutRatios.filter((r) => typeof r === 'number') : DEFAULT_CUT_RATIOS)))}% of filters/units per layer; it starts from the open model's weights
            and is fine-tuned, not trained from scratch (NetAdapt-style). It needs the open model as the reference (a Keras/Layers model).
          </small>
        ) : null}
      </fieldset>
      <fieldset>
        <legend>Hard constraints (never violated)</legend>
        <LimitInput label="Max parameters" testId="search-max-params" value={c.maxParams} onChange={(maxParams) => set({ constraints: { ...c, maxParams } })} />
        <LimitInput label="Max gzip size (KB)" value={c.maxGzipBytes} scale={1024} onChange={(maxGzipBytes) => set({ constraints: { ...c, maxGzipBytes } })} />
        <LimitInput label="Max MFLOPs" value={c.maxFlops} scale={1e6} onChange={(maxFlops) => set({ constraints: { ...c, maxFlops } })} />
        <LimitInput label="Max latency on this device (ms, batch 1)" testId="search-max-latency" value={c.maxLatencyMs} onChange={(maxLatencyMs) => set({ constraints: { ...c, maxLatencyMs } })} />
        <LimitInput
          label="Max latency vs the open model (×; 0.5 = twice as fast, timed interleaved with it)"
          testId="search-max-latency-vs-ref"
          step="any"
          value={c.maxLatencyVsReference}
          onChange={(maxLatencyVsReference) => set({ constraints: { ...c, maxLatencyVsReference }, ...(maxLatencyVsReference !== null ? { reference: true } : {}) })}
        />
      </fieldset>
      <fieldset>
        <legend>Strategy and budget</legend>
        <Select
          label="Strategy"
          value={s.kind}
          options={[
            { value: 'evolution', label: 'Regularized evolution' },
            { value: 'random', label: 'Random search' },
            { value: 'halving', label: 'Successive halving' },
          ]}
          onChange={(kind) => set({ strategy: strategyOf(kind) })}
        />
        {s.kind === 'evolution' ? (
          <>
            <NumberInput label="Population" value={s.population} min={2} max={200} onChange={(population) => set({ strategy: { ...s, population } })} />
            <NumberInput label="Tournament size" value={s.sample} min={1} max={s.population} onChange={(sample) => set({ strategy: { ...s, sample } })} />
          </>
        ) : null}
        {s.kind === 'halving' ? (
          <>
            <NumberInput label="Cohort" value={s.cohort} min={2} max={512} onChange={(cohort) => set({ strategy: { ...s, cohort } })} />
            <NumberInput label="Keep 1 in" value={s.eta} min={2} max={8} onChange={(eta) => set({ strategy: { ...s, eta } })} />
          </>
        ) : null}
        <LimitInput label="Candidates" testId="search-candidates" value={config.budget.candidates} onChange={(candidates) => set({ budget: { ...config.budget, candidates: candidates === null ? null : Math.round(candidates) } })} />
        <LimitInput label="Time budget (minutes)" testId="search-minutes" value={config.budget.minutes} onChange={(minutes) => set({ budget: { ...config.budget, minutes } })} />
        <NumberInput label="Examples per candidate" testId="search-examples" value={config.searchTrain.examples} min={1} onChange={(examples) => set({ searchTrain: { ...config.searchTrain, examples } })} />
        <NumberInput label="Retrain the best" value={config.retrainTop} min={0} max={10} onChange={(retrainTop) => set({ retrainTop })} />
        <NumberInput label="Final epochs" testId="search-final-epochs" value={config.finalTrain.epochs} min={1} max={200} onChange={(epochs) => set({ finalTrain: { ...config.finalTrain, epochs } })} />
        <NumberInput label="Shift images while retraining (± px)" value={config.finalShiftPx ?? 0} min={0} max={4} onChange={(finalShiftPx) => set({ finalShiftPx })} />
        <NumberInput label="Seed" value={config.seed} min={0} onChange={(seed) => set({ seed })} />
        <Select
          label="Training workers"
          value={config.workers == null ? 'auto' : String(config.workers)}
          options={[
            { value: 'auto', label: `Auto (${autoPoolSize(navigator.hardwareConcurrency)} on ${navigator.hardwareConcurrency ?? '?'} cores)` },
            ...[1, 2, 3, 4].map((n) => ({ value: String(n), label: n === 1 ? '1 (train in the engine)' : `${n} workers` })),
          ]}
          onChange={(v) => set({ workers: v === 'auto' ? null : Number(v) })}
        />
      </fieldset>
      <fieldset>
        <legend>Objective</legend>
        <Select
          label="Rank by"
          value={config.objective.kind}
          options={[
            { value: 'score', label: 'Accuracy × (latency / target)^w (MnasNet)' },
            { value: 'accuracy', label: 'Validation accuracy only' },
          ]}
          onChange={(kind) => set({ objective: kind === 'score' ? { kind, targetLatencyMs: null, w: -0.07 } : { kind } })}
        />
        {config.objective.kind === 'score' ? (
          <>
            <LimitInput label="Target latency (ms)" emptyMeans="half the open model's" value={config.objective.targetLatencyMs} onChange={(targetLatencyMs) => set({ objective: { ...(config.objective as Extract<SearchConfig['objective'], { kind: 'score' }>), targetLatencyMs } })} />
            <NumberInput label="w" value={config.objective.w} min={-2} max={0} step={0.01} onChange={(w) => set({ objective: { ...(config.objective as Extract<SearchConfig['objective'], { kind: 'score' }>), w } })} />
          </>
        ) : null}
        <LimitInput label="Also time each candidate at batch" emptyMeans="batch 1 only" value={config.latencyBatch} onChange={(latencyBatch) => set({ latencyBatch: latencyBatch === null ? null : Math.round(latencyBatch) })} />
        <label className="field inline">
          <input type="checkbox" checked={config.reference} onChange={(e) => set({ reference: e.target.checked })} />
          <span>Compare with the open model (its validation accuracy and latency here)</span>
        </label>
      </fieldset>
    </div>
  );
}
