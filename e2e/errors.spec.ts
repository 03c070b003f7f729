import { expect, test } from './csp-test';
import { BAD_INPUTS, VALID_FIXTURES } from '../src/engine/model/bad-inputs.fixtures';
import { openApp, pickFiles, waitForImportToFinish } from './helpers';

const bad = (id: string) => BAD_INPUTS.find((c) => c.id === id)!;

test('one error area: newest first, each dismissible by keyboard, cleared by the next successful import', async ({ page }) => {
  await openApp(page);
  await pickFiles(page, bad('not-json').files());
  await waitForImportToFinish(page);
  await pickFiles(page, bad('model-json-without-bin').files());
  await waitForImportToFinish(page);

  const alerts = page.getByTestId('error-list').getByRole('alert');
  await expect(alerts).toHaveCount(2);
  await expect(alerts.nth(0)).toHaveAttribute('data-code', 'MISSING_SHARD'); // the newest on top
  await expect(alerts.nth(1)).toHaveAttribute('data-code', 'NOT_JSON');

  // Keyboard only: Enter on the first Dismiss button, focus moves on to the next one, Space on it.
  await page.getByRole('button', { name: 'Dismiss MISSING_SHARD' }).focus();
  await page.keyboard.press('Enter');
  await expect(alerts).toHaveCount(1);
  await expect(page.getByRole('button', { name: 'Dismiss NOT_JSON' })).toBeFocused();
  await page.keyboard.press('Space');
  await expect(alerts).toHaveCount(0);

  // Errors of an import disappear once an import succeeds.
  await pickFiles(page, bad('not-json').files());
  await waitForImportToFinish(page);
  await pickFiles(page, bad('shard-too-short').files());
  await waitForImportToFinish(page);
  await expect(alerts).toHaveCount(2);
  await pickFiles(page, VALID_FIXTURES.sequential.files());
  await waitForImportToFinish(page);
  await expect(page.getByTestId('model-params')).toHaveText('15');
  await expect(page.getByRole('alert')).toHaveCount(0);
});
