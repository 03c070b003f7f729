import { readFileSync } from 'node:fs';
import { expect, test, type Page } from './csp-test';
import type * as TF from '@tensorflow/tfjs-core';
import { unzipSync } from 'fflate';
import { openApp, pickFiles, stockLayersModel, waitForImportToFinish } from './helpers';

async function exportZip(page: Page): Promise<Record<string, Uint8Array>> {
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export .zip' }).click();
  return unzipSync(new Uint8Array(readFileSync((await (await download).path())!)));
}

/** Load exported files the way a stranger would (stock TF.js, nothing of Bonsai's); the output's float32 bits. */
async function stockOutputBits(files: Record<string, Uint8Array>): Promise<number[]> {
  const { tf, model } = await stockLayersModel(files);
  const x = tf.randomUniform([4, 28, 28, 1], 0, 1, 'float32', 3);
  const y = model.predict(x) as TF.Tensor;
  const values = (await y.data()) as Float32Array;
  tf.dispose([x, y]);
  model.dispose();
  return Array.from(new Uint32Array(values.buffer, values.byteOffset, values.length));
}

test('export with a compact model.json (the default) and without: the compact one is smaller, both load with stock TF.js and agree bit for bit', async ({ page }) => {
  test.setTimeout(120_000);
  await openApp(page);
  await page.getByLabel('Built-in sample').selectOption('lenet-5');
  await expect(page.getByTestId('model-name')).toHaveText('lenet-5');

  const option = page.getByLabel('Compact model.json');
  await expect(option).toBeChecked();
  const compact = await exportZip(page);
  await option.uncheck();
  const asStored = await exportZip(page);

  expect(Object.keys(compact).sort()).toEqual(Object.keys(asStored).sort());
  expect(compact['model.json'].length).toBeLessThan(asStored['model.json'].length);
  expect(compact['group1-shard1of1.bin']).toEqual(asStored['group1-shard1of1.bin']);
  const bits = await stockOutputBits(asStored);
  expect(await stockOutputBits(compact)).toEqual(bits);

  // Bonsai opens its own compact export again.
  await pickFiles(page, Object.entries(compact).map(([path, bytes]) => ({ path, bytes })));
  await waitForImportToFinish(page);
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(page.getByTestId('model-params')).toHaveText('61,706');
});
