import { expect, test } from './csp-test';
import { encodeLink, type ShareLink } from '../src/share/link';

const metrics = { params: 266_610, nonZero: null, stored: null, gzip: null, flops: null, accuracy: 0.97, latency: [] };

test('a link whose base is a URL loads nothing until the receiver confirms the host it names', async ({ page, baseURL }) => {
  const modelUrl = `${baseURL}/samples/lenet-300-100/model.json`;
  const link: ShareLink = { v: 1, base: { kind: 'url', url: modelUrl }, name: 'hosted mlp', dataset: 'MNIST digits', seed: 1, device: null, metrics, variants: [] };
  const fetched: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/samples/lenet-300-100/')) fetched.push(r.url());
  });
  await page.goto(`/${encodeLink(link)}`);
  const shared = page.getByTestId('shared-experiment');
  await expect(shared).toContainText('Shared experiment: hosted mlp');
  await expect(page.getByTestId('model-name')).not.toBeEmpty();

  const host = new URL(modelUrl).host;
  await shared.getByRole('button', { name: 'Open the base model…' }).click();
  await expect(shared.getByRole('alert')).toHaveText(`This loads a model from ${host}. Continue?`);
  // Declining loads nothing.
  await shared.getByRole('button', { name: "Don't load" }).click();
  expect(fetched).toEqual([]);

  await shared.getByRole('button', { name: 'Open the base model…' }).click();
  await shared.getByRole('button', { name: `Load from ${host}` }).click();
  await expect(page.getByTestId('model-name')).toHaveText('lenet-300-100', { timeout: 60_000 });
  await expect(page.getByTestId('model-params')).toHaveText('266,610');
  expect(fetched.some((u) => u.endsWith('/model.json'))).toBe(true);
});
