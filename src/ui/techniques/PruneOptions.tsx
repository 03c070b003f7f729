import { DEFAULT_FINE_TUNE, type PruneConfig } from '../../engine/techniques/prune/meta';
import type { OptionsProps } from './TechniquePanel';
import { FineTuneFields, NumberInput, Select } from './fields';

const METHOD_DEFAULTS: Record<PruneConfig['method'], PruneConfig> = {
  magnitude: { method: 'magnitude', sparsity: 0.9, schedule: 'gradual', scope: 'global', fineTune: DEFAULT_FINE_TUNE },
  nm: { method: 'nm', n: 2, m: 4, fineTune: DEFAULT_FINE_TUNE },
  structured: { method: 'structured', ratio: 0.5, norm: 'l1', fineTune: DEFAULT_FINE_TUNE },
  auto: { method: 'auto', target: { kind: 'accuracy-drop', points: 1 }, fineTune: DEFAULT_FINE_TUNE },
};

export function PruneOptions({ config, onChange }: OptionsProps<PruneConfig>) {
  const fine = (
    <FineTuneFields value={config.fineTune} defaults={DEFAULT_FINE_TUNE} onChange={(fineTune) => onChange({ ...config, fineTune })} />
  );
  return (
    <div className="options" data-testid="prune-options">
      <Select
        label="Method"
        value={config.method}
        options={[
          { value: 'magnitude', label: 'Magnitude (unstructured)' },
          { value: 'nm', label: 'N:M sparsity' },
          { value: 'structured', label: 'Structured (remove filters/units)' },
          { value: 'auto', label: 'Auto (sensitivity scan)' },
        ]}
        onChange={(m) => onChange(METHOD_DEFAULTS[m])}
      />
      {config.method === 'magnitude' ? (
        <>
          <NumberInput label="Sparsity" testId="sparsity" value={config.sparsity} min={0} max={0.99} step={0.05} onChange={(sparsity) => onChange({ ...config, sparsity })} />
          <Select label="Schedule" value={config.schedule} options={[{ value: 'gradual', label: 'Gradual (Zhu & Gupta)' }, { value: 'one-shot', label: 'One-shot' }]} onChange={(schedule) => onChange({ ...config, schedule })} />
          <Select label="Scope" value={config.scope} options={[{ value: 'global', label: 'Global threshold' }, { value: 'per-layer', label: 'Per layer' }]} onChange={(scope) => onChange({ ...config, scope })} />
        </>
      ) : null}
      {config.method === 'nm' ? (
        <>
          <NumberInput label="N (kept)" value={config.n} min={1} max={16} onChange={(n) => onChange({ ...config, n })} />
          <NumberInput label="M (group)" value={config.m} min={1} max={16} onChange={(m) => onChange({ ...config, m })} />
        </>
      ) : null}
      {config.method === 'structured' ? (
        <>
          <NumberInput label="Fraction removed per layer" value={config.ratio} min={0} max={0.95} step={0.05} onChange={(ratio) => onChange({ ...config, ratio })} />
          <Select label="Rank by" value={config.norm} options={[{ value: 'l1', label: 'L1 norm' }, { value: 'l2', label: 'L2 norm' }]} onChange={(norm) => onChange({ ...config, norm })} />
        </>
      ) : null}
      {config.method === 'auto' ? (
        config.target.kind === 'accuracy-drop' ? (
          <NumberInput label="Accuracy drop allowed (points)" value={config.target.points} min={0} step={0.1} onChange={(points) => onChange({ ...config, target: { kind: 'accuracy-drop', points } })} />
        ) : (
          <NumberInput label="FLOPs reduction" value={config.target.fraction} min={0} max={0.95} step={0.05} onChange={(fraction) => onChange({ ...config, target: { kind: 'flops-reduction', fraction } })} />
        )
      ) : null}
      {config.method === 'auto' ? (
        <Select
          label="Target"
          value={config.target.kind}
          options={[
            { value: 'accuracy-drop', label: 'Accuracy drop' },
            { value: 'flops-reduction', label: 'FLOPs reduction' },
          ]}
          onChange={(kind) => onChange({ ...config, target: kind === 'accuracy-drop' ? { kind, points: 1 } : { kind, fraction: 0.5 } })}
        />
      ) : null}
      {fine}
    </div>
  );
}
