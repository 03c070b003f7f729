import { DEFAULT_FINE_TUNE } from '../../engine/train/meta';
import { QUANTIZE_METHOD_DEFAULTS, type QuantizeConfig, type WeightPrecision } from '../../engine/techniques/quantize/meta';
import type { OptionsProps } from './options';
import { FineTuneFields, NumberInput, Select } from './fields';

const PRECISIONS: { value: WeightPrecision; label: string }[] = [
  { value: 'float16', label: 'float16 (2 bytes)' },
  { value: 'uint16', label: 'uint16 (2 bytes, affine)' },
  { value: 'uint8', label: 'uint8 (1 byte, affine)' },
  { value: 'float32', label: 'float32 (unchanged)' },
];

export function QuantizeOptions({ config, onChange }: OptionsProps<QuantizeConfig>) {
  return (
    <div className="options" data-testid="quantize-options">
      <Select
        label="Method"
        value={config.method}
        options={[
          { value: 'ptq', label: 'Post-training weight quantization' },
          { value: 'cluster', label: 'Weight clustering (k-means on the uint8 grid)' },
          { value: 'equalize', label: 'Equalize + bias correction, then quantize' },
          { value: 'simulate', label: 'Full-integer (int8) simulation' },
          { value: 'qat', label: 'Quantization-aware training' },
          { value: 'auto', label: 'Auto precision under a budget' },
        ]}
        onChange={(m) => onChange(QUANTIZE_METHOD_DEFAULTS[m])}
      />
      {config.method === 'ptq' ? <Select label="Precision" value={config.default} options={PRECISIONS} onChange={(d) => onChange({ ...config, default: d })} /> : null}
      {config.method === 'cluster' ? (
        <>
          <NumberInput label="Clusters per tensor (k)" value={config.k} min={2} max={256} onChange={(k) => onChange({ ...config, k })} />
          <FineTuneFields value={config.fineTune} defaults={DEFAULT_FINE_TUNE} onChange={(fineTune) => onChange({ ...config, fineTune })} />
        </>
      ) : null}
      {config.method === 'equalize' ? (
        <>
          <Select label="Then store as" value={config.then} options={PRECISIONS} onChange={(then) => onChange({ ...config, then })} />
          <label className="check">
            <input type="checkbox" checked={config.biasCorrection} onChange={(e) => onChange({ ...config, biasCorrection: e.target.checked })} /> Bias correction
          </label>
        </>
      ) : null}
      {config.method === 'simulate' ? (
        <>
          <Select
            label="Activation ranges"
            value={config.calibration}
            options={[
              { value: 'minmax', label: 'Min/max' },
              { value: 'percentile', label: 'Percentile' },
              { value: 'mse', label: 'Minimum MSE' },
            ]}
            onChange={(calibration) => onChange({ ...config, calibration })}
          />
          <NumberInput label="Calibration examples" value={config.calibrationSize ?? 512} min={1} max={10000} onChange={(calibrationSize) => onChange({ ...config, calibrationSize })} />
        </>
      ) : null}
      {config.method === 'qat' ? (
        <>
          <Select label="Bits" value={String(config.bits) as '8' | '4'} options={[{ value: '8', label: '8 bits' }, { value: '4', label: '4 bits (16 levels in uint8)' }]} onChange={(b) => onChange({ ...config, bits: b === '4' ? 4 : 8 })} />
          <FineTuneFields value={config.fineTune} defaults={DEFAULT_FINE_TUNE} onChange={(fineTune) => onChange({ ...config, fineTune: fineTune ?? DEFAULT_FINE_TUNE })} />
        </>
      ) : null}
      {config.method === 'auto' ? (
        <>
          <Select
            label="Budget"
            value={config.budget.kind}
            options={[
              { value: 'accuracy-drop', label: 'Accuracy drop (labels)' },
              { value: 'fidelity-drop', label: 'Agreement drop (no labels)' },
            ]}
            onChange={(kind) => onChange({ ...config, budget: { ...config.budget, kind } })}
          />
          <NumberInput label="Points allowed" value={config.budget.points} min={0} step={0.1} onChange={(points) => onChange({ ...config, budget: { ...config.budget, points } })} />
        </>
      ) : null}
    </div>
  );
}
