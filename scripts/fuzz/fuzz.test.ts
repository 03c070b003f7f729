/**
 * The CI share of the mutation fuzz (issue 13): 10,000 seeded cases of mutated model.json trees,
 * manifests, model.json bytes, shards, zips, share links and experiment files, loaded in-process on
 * the cpu backend. `npm run fuzz` runs more. Every failure is listed with its index to reproduce.
 */
import { expect, it } from 'vitest';
import { useBackend } from '../../src/engine/test-utils/backends';
import { failureCount, runFuzz, unreadable } from './run';

export const CI_FUZZ_RUNS = 10_000;

it(`${CI_FUZZ_RUNS} fuzz cases: no uncaught error, hang, leaked tensor, prototype change, unnamed file or unreadable link refusal`, async () => {
  await useBackend('cpu');
  const report = await runFuzz({ runs: CI_FUZZ_RUNS, seed: 13 });
  expect(report.runs).toBe(CI_FUZZ_RUNS);
  expect(report.failures, JSON.stringify(report.failures, null, 1)).toEqual([]);
  expect(failureCount(report)).toBe(0);
  // The mutations reach past the first checks: loads succeed too, and many codes are seen.
  expect(report.outcomes.ok).toBeGreaterThan(100);
  expect(Object.keys(report.outcomes).length).toBeGreaterThan(15);
}, 180_000);

it(`${CI_FUZZ_RUNS} hostile share-link fragments: every one a readable refusal or a valid link, no prototype change`, async () => {
  await useBackend('cpu');
  const report = await runFuzz({ runs: CI_FUZZ_RUNS, seed: 13, inputs: 'links' });
  expect(report.runs).toBe(CI_FUZZ_RUNS);
  expect(report.byTarget).toEqual({ link: CI_FUZZ_RUNS });
  expect(report.failures, JSON.stringify(report.failures, null, 1)).toEqual([]);
  expect(failureCount(report)).toBe(0);
  // Every kind of refusal is reached, and some mutations still make valid links.
  for (const code of ['LINK_INVALID', 'LINK_TOO_LONG', 'LINK_VERSION']) expect(report.outcomes[code], code).toBeGreaterThan(10);
  expect(report.outcomes.ok).toBeGreaterThan(10);
}, 180_000);

it('a refusal is readable only when it is a sentence, not a placeholder, a stack or raw JSON', () => {
  expect(unreadable('This shared link cannot be read: it is not base64url.')).toBeNull();
  expect(unreadable('')).toBe('too short');
  expect(unreadable('Invalid input')).toBe('too short');
  expect(unreadable('This shared link cannot be read: undefined.')).toBe('a code placeholder');
  expect(unreadable('This shared link cannot be read: [object Object].')).toBe('a code placeholder');
  expect(unreadable('TypeError: x is not a function\n    at decodeLink (link.ts:3:4)')).toBe('a stack trace');
  expect(unreadable('[{"code":"invalid_type","path":["v"]}]')).toBe('raw JSON');
});
