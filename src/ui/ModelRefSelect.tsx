import { useSamples } from './useSamples';
import { useStore, selectLibrary } from '../store/store';
import type { ModelRef } from '../worker/protocol';

export function refKey(ref: ModelRef | undefined): string {
  if (!ref) return '';
  return ref.kind === 'sample' ? `sample:${ref.sampleId}` : `library:${ref.libraryId}`;
}

export function parseRefKey(key: string): ModelRef | undefined {
  if (key.startsWith('sample:')) return { kind: 'sample', sampleId: key.slice(7) };
  if (key.startsWith('library:')) return { kind: 'library', libraryId: key.slice(8) };
  return undefined;
}

/** Pick a model by reference: the built-in samples and everything in the library. */
export function ModelRefSelect({ value, onChange, label, noneLabel }: { value: string; onChange(key: string): void; label: string; noneLabel: string }) {
  const samples = useSamples();
  const library = useStore(selectLibrary);
  return (
    <label className="field">
      <span>{label}</span>
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{noneLabel}</option>
        <optgroup label="Samples">
          {samples.map((s) => (
            <option key={s.id} value={`sample:${s.id}`}>
              {s.name}
            </option>
          ))}
        </optgroup>
        <optgroup label="Library">
          {library.map((e) => (
            <option key={e.id} value={`library:${e.id}`}>
              {e.name}
            </option>
          ))}
        </optgroup>
      </select>
    </label>
  );
}
