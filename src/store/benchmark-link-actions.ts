/** "Benchmark my device" for a shared model: open it, time the author's backends and batches here. */
import type { ShareLink } from '../share/link';
import type { BackendName } from '../backend/types';
import type { ModelInfo } from '../worker/protocol';
import { openModel, runBenchmark } from './actions';
import { reportError } from './errors';
import { selectCurrentModel, useStore } from './store';

/** Is the open model the link's base (the sample itself, or the model at that URL)? */
export function sameBase(link: ShareLink, model: ModelInfo): boolean {
  if (link.base.kind === 'sample') return model.ref?.kind === 'sample' && model.ref.sampleId === link.base.id && !model.parent;
  if (link.base.kind === 'url') return model.source.kind === 'url' && model.source.label === link.base.url;
  return model.summary.sha256 === link.base.sha256;
}

export async function benchmarkMyDevice(link: ShareLink): Promise<void> {
  const current = selectCurrentModel(useStore.getState());
  if (!current || !sameBase(link, current)) {
    if (link.base.kind === 'file') return;
    const ok = await openModel(link.base.kind === 'sample' ? { kind: 'sample', sampleId: link.base.id } : { kind: 'url', url: link.base.url });
    if (!ok) return;
  }
  const available = new Set<string>(useStore.getState().available);
  const backends = [...new Set(link.metrics.latency.map((l) => l.backend))].filter((b) => available.has(b)) as BackendName[];
  const batchSizes = [...new Set(link.metrics.latency.map((l) => l.batch))];
  if (!backends.length) {
    reportError({ code: 'BACKEND_UNAVAILABLE', message: `None of the backends the author timed (${[...new Set(link.metrics.latency.map((l) => l.backend))].join(', ')}) runs in this browser.`, hint: 'Benchmark it on the backends you have from the Benchmark tab; the comparison needs the same backend.' });
    return;
  }
  await runBenchmark({ backends, batchSizes });
}
