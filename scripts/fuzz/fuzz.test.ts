/**
 * The CI share of the mutation fuzz (issue 13): 10,000 seeded cases of mutated model.json trees,
 * manifests, model.json bytes, shards, zips, share links and experiment files, loaded in-process on
 * the cpu backend. `npm run fuzz` runs more. Every failure is listed with its index to reproduce.
 */
import { expect, it } from 'vitest';
import { useBackend } from '../../src/engine/test-utils/backends';
import { failureCount, runFuzz } from './run';

export const CI_FUZZ_RUNS = 10_000;

it(`${CI_FUZZ_RUNS} fuzz cases: no uncaught error, hang, leaked tensor, prototype change or unnamed file`, async () => {
  await useBackend('cpu');
  const report = await runFuzz({ runs: CI_FUZZ_RUNS, seed: 13 });
  expect(report.runs).toBe(CI_FUZZ_RUNS);
  expect(report.failures, JSON.stringify(report.failures, null, 1)).toEqual([]);
  expect(failureCount(report)).toBe(0);
  // The mutations reach past the first checks: loads succeed too, and many codes are seen.
  expect(report.outcomes.ok).toBeGreaterThan(100);
  expect(Object.keys(report.outcomes).length).toBeGreaterThan(15);
}, 180_000);
