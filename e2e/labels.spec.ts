import { expect, test } from './csp-test';
import { openApp, runPreset } from './helpers';

test('result cards read one way: speed ratios say faster or slower, accuracy changes carry their sign', async ({ page }) => {
  test.setTimeout(120_000);
  await openApp(page);
  await expect(page.getByTestId('dataset-name')).toHaveText('MNIST digits');
  await runPreset(page, 'Quantize', 'uint8 — 4× smaller');
  const card = page.getByTestId('variant-card');
  // "1.03× — faster", "0.97× — slower" or "1.00× — same": never a bare ratio that hides the direction.
  await expect(card.getByTestId('variant-latency').first()).toContainText(/\d\.\d\d× — (faster|slower|same)/);
  // "+0.05 pt" / "−0.10 pt": the sign is always there, zero included.
  await expect(card.getByTestId('variant-row-Accuracy (test split)')).toContainText(/[+−]\d+\.\d\d pt/);
});
