import { expect, test } from './csp-test';
import { biasedClassifier, spreadClassifier } from './fixtures/dense-classifiers';
import { openApp, pickFiles, runPreset, waitForImportToFinish } from './helpers';

/**
 * Fidelity on synthetic inputs (no dataset fits an 8-feature model): agreement with a parent that
 * predicts one class everywhere is "not meaningful here", never a percentage; the output distance
 * (mean KL, max |Δ logit|) is always shown beside it.
 */
test('a parent with degenerate predictions: agreement is not meaningful here, the output distance is shown', async ({ page }) => {
  test.setTimeout(120_000);
  await openApp(page);
  await pickFiles(page, biasedClassifier());
  await waitForImportToFinish(page);
  await expect(page.getByTestId('model-params')).toHaveText('36');
  await runPreset(page, 'Quantize', 'uint8 — 4× smaller');
  const card = page.getByTestId('variant-card');
  await expect(card.getByTestId('variant-fidelity')).toHaveText('not meaningful here');
  await expect(card.getByTestId('variant-fidelity')).not.toContainText('%');
  await expect(card.getByTestId('fidelity-not-meaningful')).toContainText('predicts one class for every input');
  await expect(card.getByTestId('variant-output-distance')).toHaveText(/KL .* nats · max \|Δ logit\| \d/);
});

test('a parent whose predictions spread: agreement is a percentage over several classes, beside the output distance', async ({ page }) => {
  test.setTimeout(120_000);
  await openApp(page);
  await pickFiles(page, spreadClassifier());
  await waitForImportToFinish(page);
  await expect(page.getByTestId('model-params')).toHaveText('36');
  await runPreset(page, 'Quantize', 'uint8 — 4× smaller');
  const card = page.getByTestId('variant-card');
  await expect(card.getByTestId('variant-fidelity')).toHaveText(/^\d+\.\d\d% agree$/);
  await expect(card).toContainText(/parent predicts [2-4] classes/);
  await expect(card.getByTestId('variant-output-distance')).toHaveText(/max \|Δ logit\| \d/);
});
