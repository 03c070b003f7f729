/** Small preferences kept across reloads (the models themselves live in IndexedDB). */
import type { BackendChoice, ModelSource } from '../worker/protocol';

type Reopenable = Extract<ModelSource, { kind: 'sample' } | { kind: 'library' }>;

const LAST_MODEL_KEY = 'bonsai.lastModel';
const BACKEND_KEY = 'bonsai.backend';
const OPEN_EXPERIMENT_KEY = 'bonsai.experiment';

function read(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function write(key: string, value: string | undefined): void {
  try {
    if (value === undefined) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    // Storage denied: preferences simply do not persist.
  }
}

export function rememberLastModel(source: Reopenable | undefined): void {
  write(LAST_MODEL_KEY, source && JSON.stringify(source));
}

export function recallLastModel(): Reopenable | undefined {
  const raw = read(LAST_MODEL_KEY);
  if (!raw) return undefined;
  try {
    const v = JSON.parse(raw) as Partial<Reopenable>;
    if (v.kind === 'sample' && typeof v.sampleId === 'string') return { kind: 'sample', sampleId: v.sampleId };
    if (v.kind === 'library' && typeof v.libraryId === 'string') return { kind: 'library', libraryId: v.libraryId };
  } catch {
    // fall through: a corrupt preference is ignored
  }
  return undefined;
}

export function recallBackend(): BackendChoice {
  const v = read(BACKEND_KEY);
  return v === 'webgpu' || v === 'wasm' || v === 'cpu' ? v : 'auto';
}

export function rememberBackend(choice: BackendChoice): void {
  write(BACKEND_KEY, choice);
}

/** The experiment open in the Experiments panel (by id); undefined when none or storage is denied. */
export function recallOpenExperiment(): string | undefined {
  return read(OPEN_EXPERIMENT_KEY) ?? undefined;
}

export function rememberOpenExperiment(id: string | undefined): void {
  write(OPEN_EXPERIMENT_KEY, id);
}
