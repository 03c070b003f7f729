/**
 * The fuzz watchdog (issue 13): cases run in a worker thread; one that never returns is stopped
 * after the hang limit, counted as a hang, and the run resumes at the next case in a fresh worker.
 */
import { expect, it } from 'vitest';
import { useBackend } from '../../src/engine/test-utils/backends';
import { runFuzz } from './run';
import { runFuzzWatched } from './watched';

it('a case stuck in an endless loop is counted as one hang and the rest still run, as in-process', async () => {
  const runs = 60;
  const watched = await runFuzzWatched({ runs, seed: 5, hangMs: 2_000, stallAt: 17 });
  expect(watched.runs).toBe(runs);
  expect(watched.workers).toBe(2);
  expect(watched.hangs).toBe(1);
  expect(watched.failures).toEqual([expect.objectContaining({ kind: 'hang', index: 17 })]);
  // Every other case ran once, with the outcomes the in-process run gives them.
  await useBackend('cpu');
  const direct = await runFuzz({ runs, seed: 5 });
  expect(direct.leakedTensors).toBe(0);
  const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
  expect(sum(watched.outcomes)).toBe(runs);
  expect(watched.outcomes.hang).toBe(1);
  expect(watched.uncaught + watched.leakedTensors + watched.prototypeChanges + watched.unnamedFiles + watched.unreadableRefusals).toBe(0);
  const differing = Object.keys({ ...direct.outcomes, ...watched.outcomes }).filter((k) => k !== 'hang' && (direct.outcomes[k] ?? 0) !== (watched.outcomes[k] ?? 0));
  // The stalled case's own outcome is the only one missing, once.
  expect(differing).toHaveLength(1);
  expect((direct.outcomes[differing[0]] ?? 0) - (watched.outcomes[differing[0]] ?? 0)).toBe(1);
}, 120_000);
