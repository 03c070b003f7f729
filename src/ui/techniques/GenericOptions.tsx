/**
 * The form a technique gets when it brings no Options component of its own: one control per
 * top-level number, text or yes/no setting of its config (nested settings are edited in the
 * "All settings (JSON)" box beside it). A new technique works in the UI with no UI code.
 */
import type { OptionsProps } from './options';

type Plain = Record<string, unknown>;

export function GenericOptions({ config, onChange }: OptionsProps<unknown>) {
  const fields = typeof config === 'object' && config !== null ? Object.entries(config as Plain) : [];
  const set = (key: string, value: unknown) => onChange({ ...(config as Plain), [key]: value });
  return (
    <div className="options" data-testid="generic-options">
      {fields.map(([key, value]) =>
        typeof value === 'number' ? (
          <label className="field" key={key}>
            <span>{key}</span>
            <input type="number" value={value} step="any" onChange={(e) => set(key, Number(e.target.value))} />
          </label>
        ) : typeof value === 'string' ? (
          <label className="field" key={key}>
            <span>{key}</span>
            <input type="text" value={value} onChange={(e) => set(key, e.target.value)} />
          </label>
        ) : typeof value === 'boolean' ? (
          <label className="field inline" key={key}>
            <input type="checkbox" checked={value} onChange={(e) => set(key, e.target.checked)} />
            <span>{key}</span>
          </label>
        ) : null,
      )}
    </div>
  );
}
