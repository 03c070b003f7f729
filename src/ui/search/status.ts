/** What the search view says of a candidate and of the whole search, in words. */
import { RETRAIN_PHASE, type CandidateRecord } from '../../engine/techniques/search/meta';
import type { SearchSession } from '../../library/search-db';

/**
 * A trained candidate whose validation accuracy is within 1.5× of guessing (1 / classes): it did
 * not learn (a stranger read an 11% candidate as one more accuracy).
 */
export function atChance(c: CandidateRecord, classes: number | undefined): boolean {
  return c.status === 'trained' && c.valAccuracy !== null && !!classes && classes > 1 && c.valAccuracy < 1.5 / classes;
}

export function statusCell(c: CandidateRecord, classes: number | undefined): string {
  if (c.status === 'rejected') return `rejected: ${c.reason}`;
  const what = c.phase === 'final' ? 'retrained (full budget)' : c.rung ? `rung ${c.rung + 1}` : 'trained';
  return atChance(c, classes) ? `${what} · at chance` : what;
}

export function statusLine(s: SearchSession, running: boolean, retraining: boolean): string {
  // A candidate that went on to later rungs has a record per rung: it is one candidate, and one architecture.
  const searched = s.candidates.filter((c) => c.status === 'trained' && c.phase === 'search');
  const trained = new Set(searched.map((c) => c.index)).size;
  const rejected = s.candidates.filter((c) => c.status === 'rejected').length;
  const counts = `${trained} candidate${trained === 1 ? '' : 's'} trained${rejected ? `, ${rejected} rejected by a constraint` : ''}`;
  const time = s.elapsedMs < 60_000 ? `${Math.round(s.elapsedMs / 1000)} s of search` : `${(s.elapsedMs / 60_000).toFixed(1)} min of search`;
  // As many as retrain: the configured number, or fewer when fewer distinct architectures trained.
  const top = Math.min(s.config.retrainTop, new Set(searched.map((c) => c.archKey)).size);
  if (s.status === 'running' && running) return `${retraining ? `${RETRAIN_PHASE} ${top} with the full budget` : 'Searching'} · ${counts} · ${time}`;
  if (s.status === 'done') return `Finished · ${counts} · ${time}`;
  return `Stopped · ${counts} kept · ${time} — resume to continue from here`;
}

