/** The built-in samples (public/samples/index.json), fetched once on the main thread. */
import { reportError } from './errors';
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

/** The sample list; a missing or broken index is reported (the app then opens empty, saying why). */
export function loadSamples(): Promise<SampleEntry[]> {
  cache ??= fetch(`${import.meta.env.BASE_URL}samples/index.json`)
    .then(async (r) => {
      if (!r.ok) throw new Error(`samples/index.json answered HTTP ${r.status}`);
      const list = (await r.json()) as unknown;
      if (!Array.isArray(list)) throw new Error('samples/index.json is not a list');
      return (list as SampleEntry[]).filter((s) => !s.fixture);
    })
    .catch((e: unknown) => {
      reportError({
        code: 'URL_FETCH_FAILED',
        message: `The built-in samples could not be listed: ${e instanceof Error ? e.message : String(e)}.`,
        hint: 'Drop a model.json (with its .bin files) or a .zip to start; reload to try the samples again.',
      });
      return [];
    });
  return cache;
}

export async function defaultSampleId(): Promise<string | undefined> {
  const samples = await loadSamples();
  return (samples.find((s) => s.id === PREFERRED_SAMPLE) ?? samples[0])?.id;
}
