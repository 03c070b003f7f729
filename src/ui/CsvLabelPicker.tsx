import { useState } from 'react';
import type { InputFile } from '../engine/model/types';

/** After a CSV is picked or dropped: which column holds the class (default: the last), then load. */
export function CsvLabelPicker({ file, columns, busy, onLoad, onCancel }: { file: InputFile; columns: string[]; busy: boolean; onLoad(labelColumn: number): void; onCancel(): void }) {
  const [label, setLabel] = useState(columns.length - 1);
  return (
    <form
      className="options"
      data-testid="csv-label-picker"
      onSubmit={(e) => {
        e.preventDefault();
        onLoad(label);
      }}
    >
      <p className="muted">
        <strong>{file.path}</strong>: {columns.length} columns. Every other column must be numeric; features are standardised with the train split's mean and std.
      </p>
      <label className="field">
        <span>Label column</span>
        <select value={label} onChange={(e) => setLabel(Number(e.target.value))}>
          {columns.map((c, i) => (
            <option key={`${i}-${c}`} value={i}>
              {c}
            </option>
          ))}
        </select>
      </label>
      <div className="row">
        <button type="submit" className="primary" disabled={busy}>
          Load CSV
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
