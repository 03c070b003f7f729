/** Small labelled form controls shared by the technique Options components. */
import { fractionHint } from './fraction-hint';

/**
 * A labelled number field. With `fraction` (what the share is of, e.g. "of the weights set to
 * zero"), the value is a 0–1 share read back in percent under the field (fraction-hint.ts).
 */
export function NumberInput({ label, value, onChange, min, max, step = 1, testId, fraction }: { label: string; value: number; onChange(v: number): void; min?: number; max?: number; step?: number; testId?: string; fraction?: string }) {
  return (
    <label className="field">
      <span>{label}</span>
      <input type="number" value={value} min={min} max={max} step={step} data-testid={testId} onChange={(e) => onChange(Number(e.target.value))} />
      {fraction !== undefined ? (
        <small className="hint" data-testid={testId ? `${testId}-hint` : undefined}>
          {fractionHint(fraction, max)(value)}
        </small>
      ) : null}
    </label>
  );
}

export function Select<T extends string>({ label, value, options, onChange, testId }: { label: string; value: T; options: { value: T; label: string }[]; onChange(v: T): void; testId?: string }) {
  return (
    <label className="field">
      <span>{label}</span>
      <select value={value} data-testid={testId} onChange={(e) => onChange(e.target.value as T)}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}

export interface FineTuneLike {
  epochs: number;
  batchSize: number;
  learningRate: number;
  optimizer: 'adam' | 'sgd' | 'rmsprop';
  seed: number;
  lrSchedule?: 'constant' | 'cosine';
  augment?: 'none' | 'shift';
}

/** Fine-tuning: off, or epochs + learning rate (the rest keeps its defaults). */
export function FineTuneFields<F extends FineTuneLike>({ value, defaults, onChange }: { value: F | undefined; defaults: F; onChange(v: F | undefined): void }) {
  return (
    <fieldset>
      <legend>Fine-tune</legend>
      <label className="check">
        <input type="checkbox" checked={!!value} onChange={(e) => onChange(e.target.checked ? defaults : undefined)} /> Fine-tune after pruning/quantizing
      </label>
      {value ? (
        <div className="options">
          <NumberInput label="Epochs" value={value.epochs} min={1} max={100} onChange={(epochs) => onChange({ ...value, epochs })} />
          <NumberInput label="Learning rate" value={value.learningRate} min={0} step={0.0001} onChange={(learningRate) => onChange({ ...value, learningRate })} />
          <NumberInput label="Batch size" value={value.batchSize} min={1} max={4096} onChange={(batchSize) => onChange({ ...value, batchSize })} />
          <Select
            label="Learning rate schedule"
            value={value.lrSchedule ?? 'constant'}
            options={[{ value: 'constant', label: 'Constant' }, { value: 'cosine', label: 'Cosine decay to 0' }]}
            onChange={(lrSchedule) => onChange({ ...value, lrSchedule })}
          />
          <label className="check" title="What the built-in samples were trained with: without it a long fine-tune on the same images overfits them. Image data only.">
            <input type="checkbox" data-testid="fine-tune-shift" checked={value.augment === 'shift'} onChange={(e) => onChange({ ...value, augment: e.target.checked ? 'shift' : 'none' })} />
            Random ±2 px shifts of each training image
          </label>
        </div>
      ) : null}
    </fieldset>
  );
}
