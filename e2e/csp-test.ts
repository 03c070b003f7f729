/**
 * Playwright's `test` with one automatic check: any Content-Security-Policy violation in a page of
 * the test's browser context fails the test (the app runs under a strict CSP; a violation means
 * something was blocked that the app needed, or something ran that should not have). A test that
 * provokes one on purpose says so with `expectCspViolation()`.
 */
import { test as base, expect } from '@playwright/test';

export { expect };
export type { Page } from '@playwright/test';

const EXPECTED = 'csp-violation-expected';

export const test = base.extend<{ cspGuard: void }>({
  cspGuard: [
    async ({ context }, use, testInfo) => {
      const violations: string[] = [];
      await context.exposeBinding('__bonsaiReportCsp', (_source, v: string) => void violations.push(v));
      await context.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (e) => {
          (window as unknown as { __bonsaiReportCsp(v: string): void }).__bonsaiReportCsp(`${e.violatedDirective} ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`);
        });
      });
      await use();
      if (!testInfo.annotations.some((a) => a.type === EXPECTED)) expect(violations, 'Content-Security-Policy violations').toEqual([]);
    },
    { auto: true },
  ],
});

/** For a test that triggers a CSP violation on purpose (to prove the policy is enforced). */
export function expectCspViolation(): void {
  test.info().annotations.push({ type: EXPECTED, description: 'this test provokes a violation on purpose' });
}
