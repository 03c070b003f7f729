/**
 * Playwright's `test` with one automatic check: any Content-Security-Policy violation in the
 * test's browser contexts fails the test (the app runs under a strict CSP; a violation means
 * something was blocked that the app needed, or something ran that should not have). A test that
 * provokes one on purpose says so with `expectCspViolation()`.
 *
 * Watched: every page of the test's `context` and of any context the test makes with
 * `browser.newContext()` (a receiver's browser), and every dedicated worker of those pages (the
 * engine runs in one, under the CSP its script was served with; a worker's violations fire in the
 * worker, never on the page). A worker is watched from the moment Playwright reports it, which is
 * before the engine's first message is handled; what its very first script evaluation does is not
 * seen.
 */
import { test as base, expect, type BrowserContext, type Page, type Worker } from '@playwright/test';

export { expect };
export type { Page } from '@playwright/test';

const EXPECTED = 'csp-violation-expected';
/** A worker's listener reports through the console (a worker has no exposed bindings). */
const WORKER_TAG = '__bonsai_csp_violation__ ';

let seen: string[] = [];

/** The violations the guard has seen so far in this test (for a test that provokes one). */
export function seenCspViolations(): readonly string[] {
  return seen;
}

function watchWorker(worker: Worker, violations: string[]): void {
  worker.on('console', (m) => {
    if (m.text().startsWith(WORKER_TAG)) violations.push(`${m.text().slice(WORKER_TAG.length)} (in worker ${worker.url()})`);
  });
  worker
    .evaluate((tag) => {
      self.addEventListener('securitypolicyviolation', (e) => console.error(`${tag}${e.violatedDirective} ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`));
    }, WORKER_TAG)
    // A worker that is already gone has nothing more to violate; any other failure is the guard's own.
    .catch((e: unknown) => {
      if (!/closed|destroyed|Target.*gone/i.test(String(e))) violations.push(`the CSP guard could not watch worker ${worker.url()}: ${String(e)}`);
    });
}

async function guard(context: BrowserContext, violations: string[]): Promise<void> {
  await context.exposeBinding('__bonsaiReportCsp', (_source, v: string) => void violations.push(v));
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __bonsaiReportCsp(v: string): void }).__bonsaiReportCsp(`${e.violatedDirective} ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
  const watchPage = (page: Page) => page.on('worker', (w) => watchWorker(w, violations));
  context.pages().forEach(watchPage);
  context.on('page', watchPage);
}

export const test = base.extend<{ cspGuard: void }>({
  cspGuard: [
    async ({ context, browser }, use, testInfo) => {
      const violations: string[] = [];
      seen = violations;
      await guard(context, violations);
      // Contexts the test makes itself (a second browser) are watched too, for this test only.
      const newContext = browser.newContext;
      browser.newContext = async function (this: typeof browser, ...args: Parameters<typeof newContext>) {
        const made = await newContext.apply(this, args);
        await guard(made, violations);
        return made;
      };
      try {
        await use();
      } finally {
        // The method lives on Browser's prototype: removing the wrapper restores it.
        delete (browser as { newContext?: unknown }).newContext;
      }
      if (!testInfo.annotations.some((a) => a.type === EXPECTED)) expect(violations, 'Content-Security-Policy violations').toEqual([]);
    },
    { auto: true },
  ],
});

/** For a test that triggers a CSP violation on purpose (to prove the policy is enforced). */
export function expectCspViolation(): void {
  test.info().annotations.push({ type: EXPECTED, description: 'this test provokes a violation on purpose' });
}
