import { DEFAULT_FINE_TUNE, PRUNE_METHOD_DEFAULTS, type PruneConfig } from '../../engine/techniques/prune/meta';
import type { OptionsProps } from './options';
import { FineTuneFields, NumberInput, Select } from './fields';
import { sparseFineTuneHint } from './sparse-fine-tune-hint';

export function PruneOptions({ config, onChange }: OptionsProps<PruneConfig>) {
  const shortFineTune = sparseFineTuneHint(config);
  const fine =
    config.method === 'sensitivity' ? null : (
      <FineTuneFields value={config.fineTune} defaults={DEFAULT_FINE_TUNE} onChange={(fineTune) => onChange({ ...config, fineTune } as PruneConfig)} />
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
          { value: 'sensitivity', label: 'Sensitivity scan only (a report)' },
        ]}
        onChange={(m) => onChange(PRUNE_METHOD_DEFAULTS[m])}
      />
      {config.method === 'sensitivity' ? (
        <Select
          label="Prune"
          value={config.scan}
          options={[
            { value: 'magnitude', label: 'weights (unstructured)' },
            { value: 'filters', label: 'filters/units (structured)' },
          ]}
          onChange={(scan) => onChange({ ...config, scan })}
        />
      ) : null}
      {config.method === 'magnitude' ? (
        <>
          <NumberInput label="Sparsity" testId="sparsity" value={config.sparsity} min={0} max={0.99} step={0.05} fraction="of the prunable weights set to zero (small layers stay dense)" onChange={(sparsity) => onChange({ ...config, sparsity })} />
          <Select label="Schedule" value={config.schedule} options={[{ value: 'gradual', label: 'Gradual (Zhu & Gupta)' }, { value: 'one-shot', label: 'One-shot' }]} onChange={(schedule) => onChange({ ...config, schedule })} />
          <Select label="Scope" value={config.scope} options={[{ value: 'global', label: 'Global threshold' }, { value: 'per-layer', label: 'Per layer' }]} onChange={(scope) => onChange({ ...config, scope })} />
          {shortFineTune ? (
            <p className="warning" role="note" data-testid="sparsity-fine-tune-hint">
              {shortFineTune}
            </p>
          ) : null}
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
          <NumberInput label="Fraction removed per layer" testId="structured-ratio" value={config.ratio} min={0} max={0.95} step={0.05} fraction="of each layer’s filters or units removed" onChange={(ratio) => onChange({ ...config, ratio })} />
          <Select label="Rank by" value={config.norm} options={[{ value: 'l1', label: 'L1 norm' }, { value: 'l2', label: 'L2 norm' }]} onChange={(norm) => onChange({ ...config, norm })} />
          <Select
            label="Kernels"
            value={config.maxKernelSize === 3 ? 'crop3' : 'keep'}
            options={[
              { value: 'keep', label: 'keep their size' },
              { value: 'crop3', label: "crop 'same' convs to 3×3" },
            ]}
            onChange={(k) => onChange({ ...config, maxKernelSize: k === 'crop3' ? 3 : undefined })}
          />
          <Select
            label="Pooling"
            testId="fold-pooling"
            value={config.foldPooling ? 'fold' : 'keep'}
            options={[
              { value: 'keep', label: 'keep pooling layers' },
              { value: 'fold', label: 'fold into the conv’s stride (fewer layers)' },
            ]}
            onChange={(k) => onChange({ ...config, foldPooling: k === 'fold' ? true : undefined })}
          />
          <NumberInput
            label="Dense layers merged away (from the output back)"
            testId="merge-dense"
            value={config.mergeDense ?? 0}
            min={0}
            max={8}
            step={1}
            onChange={(mergeDense) => onChange({ ...config, mergeDense: mergeDense > 0 ? mergeDense : undefined })}
          />
        </>
      ) : null}
      {config.method === 'auto' ? (
        config.target.kind === 'accuracy-drop' ? (
          <NumberInput label="Accuracy drop allowed (points)" value={config.target.points} min={0} step={0.1} onChange={(points) => onChange({ ...config, target: { kind: 'accuracy-drop', points } })} />
        ) : (
          <NumberInput label="FLOPs reduction" value={config.target.fraction} min={0} max={0.95} step={0.05} fraction="fewer FLOPs" onChange={(fraction) => onChange({ ...config, target: { kind: 'flops-reduction', fraction } })} />
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
