/**
 * Share links from the page's side: make one for the open model's experiment, and read the one
 * the page was opened with. A bad link becomes a reported error; it never touches saved state.
 */
import { create } from 'zustand';
import { experimentLink } from '../share/experiment';
import { decodeLink, encodeLink, LINK_PREFIX, type ShareLink } from '../share/link';
import { reportError } from './errors';
import { currentScope } from './experiment-actions';
import type { VariantMetrics } from '../engine/pipeline/report-types';
import { selectCurrentDataset, selectCurrentModel, useStore } from './store';

export interface Reproduced {
  sha256: string;
  libraryId: string | null;
  after: VariantMetrics;
  latency: { backend: string; batch: number; ms: number }[];
}

export interface ReproduceState {
  running: boolean;
  /** Variant index → what this device made and measured. */
  yours: Record<number, Reproduced>;
  /** The variant that could not be reproduced, and why. */
  failed: { index: number; reason: string } | null;
}

export const initialReproduce: ReproduceState = { running: false, yours: {}, failed: null };

export interface ShareState {
  /** The experiment the page was opened with (the author's view), until closed. */
  shared: ShareLink | null;
  reproduce: ReproduceState;
}

export const useShare = create<ShareState>()(() => ({ shared: null, reproduce: initialReproduce }));

/** Read `location.hash` once at start-up (and when it changes). */
export function readSharedLink(hash: string = location.hash): void {
  if (!hash.startsWith(LINK_PREFIX)) return;
  try {
    useShare.setState({ shared: decodeLink(hash), reproduce: initialReproduce });
  } catch (e) {
    useShare.setState({ shared: null });
    reportError(e);
  }
}

export function closeSharedLink(): void {
  useShare.setState({ shared: null });
  try {
    history.replaceState(null, '', location.pathname + location.search);
  } catch {
    // A sandboxed page may refuse: the view is closed all the same.
  }
}

/** The link to the open model's experiment, or why there is none (a readable reason). */
export function makeShareLink(): { url: string; chars: number } | { reason: string } {
  const s = useStore.getState();
  const model = selectCurrentModel(s);
  if (!model) return { reason: 'Open a model first.' };
  const bench = s.benchmarks[model.id];
  const r = experimentLink(model, currentScope(), { dataset: selectCurrentDataset(s)?.summary.name ?? null, benchmark: bench?.runs, device: bench?.profiles[0] ?? s.device });
  if ('reason' in r) return r;
  try {
    const fragment = encodeLink(r.link);
    const url = `${location.origin}${location.pathname}${fragment}`;
    return { url, chars: url.length };
  } catch (e) {
    return { reason: e instanceof Error ? e.message + ((e as { hint?: string }).hint ? ` ${(e as { hint?: string }).hint}` : '') : String(e) };
  }
}
