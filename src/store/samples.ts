/** The built-in samples (public/samples/index.json), fetched once on the main thread. */
export interface SampleEntry {
  id: string;
  name: string;
  description?: string;
  params?: number;
  testAccuracy?: number;
  format?: 'layers' | 'graph';
  /** Models kept for tests (e.g. the GraphModel fixture): not offered in the picker. */
  fixture?: boolean;
}

/** The sample the app opens on when nothing was open before. */
export const PREFERRED_SAMPLE = 'lenet-5';

let cache: Promise<SampleEntry[]> | null = null;

export function loadSamples(): Promise<SampleEntry[]> {
  cache ??= fetch(`${import.meta.env.BASE_URL}samples/index.json`)
    .then((r) => (r.ok ? (r.json() as Promise<SampleEntry[]>) : []))
    .then((list) => (Array.isArray(list) ? list.filter((s) => !s.fixture) : []))
    .catch(() => []);
  return cache;
}

export async function defaultSampleId(): Promise<string | undefined> {
  const samples = await loadSamples();
  return (samples.find((s) => s.id === PREFERRED_SAMPLE) ?? samples[0])?.id;
}
