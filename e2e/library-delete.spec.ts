import { readFileSync } from 'node:fs';
import { expect, test } from './csp-test';
import { openApp, pickFiles, runPreset, waitForImportToFinish } from './helpers';

test('deleting a variant an experiment uses: the confirmation names the experiment, its child moves up to the base, nothing dangles', async ({ page }) => {
  test.setTimeout(240_000);
  await openApp(page);
  await expect(page.getByTestId('dataset-name')).toHaveText('MNIST digits');
  // base → pruned → float16 (made from the pruned variant, which stays open after its run).
  await runPreset(page, 'Prune', 'One-shot 50%');
  await runPreset(page, 'Quantize', 'float16 — safe');
  const panel = page.getByTestId('experiments');
  await expect(panel.getByTestId('experiment-node')).toHaveCount(2);
  const library = page.getByTestId('library');
  await expect(library.locator('[data-testid="library-entry"][data-depth="1"]')).toHaveCount(1);

  const first = library.getByTestId('library-entry').filter({ has: page.locator('[data-depth="1"]') });
  const name = (await first.locator('strong').first().textContent())!;
  const parentStep = (await first.getByTestId('library-step').first().textContent())!.replace('from lenet-5: ', '');
  const childStep = (await first.locator('[data-depth="1"]').getByTestId('library-step').textContent())!.replace('← ', '');
  await library.getByRole('button', { name: `Delete ${name}`, exact: true }).click();
  const confirm = library.getByTestId('library-delete-confirm');
  await expect(confirm).toContainText('removed from the experiment “lenet-5 experiment”');
  await expect(confirm).toContainText('Its 1 variant(s) move up to “lenet-5”');
  // "Keep" changes nothing.
  await confirm.getByRole('button', { name: 'Keep' }).click();
  await expect(library.getByTestId('library-entry')).toHaveCount(2);
  await library.getByRole('button', { name: `Delete ${name}`, exact: true }).click();
  await confirm.getByRole('button', { name: 'Delete model' }).click();
  await expect(library.getByTestId('library-notice')).toContainText('removed from “lenet-5 experiment”; 1 variant(s) moved up');
  // The open child's result card already tells of its new parent (not a cached record).
  await expect(page.getByTestId('variant-notes')).toContainText(`Made from “${name}”, which was deleted from the Library`);

  // The experiment lost the variant (not "deleted from the Library"); the child hangs under the base with both steps.
  const check = async () => {
    await expect(panel.getByTestId('experiment')).toContainText('1 variant');
    await expect(panel.getByTestId('experiment-node')).toHaveCount(1);
    await expect(panel.getByTestId('experiment-tree')).not.toContainText('deleted from the Library');
    await expect(library.getByTestId('library-entry')).toHaveCount(1);
    await expect(library.getByTestId('library-step')).toHaveText(`from lenet-5: ${parentStep} → ${childStep}`);
  };
  await check();
  await page.reload();
  await expect(page.getByTestId('model-name')).not.toBeEmpty();
  await panel.getByRole('button', { name: 'Open experiment lenet-5 experiment' }).click();
  await check();
  await expect(page.getByRole('alert')).toHaveCount(0);
});

test('the base of an experiment (a dropped file) is kept: the Library names the experiment and offers only Keep', async ({ page }) => {
  test.setTimeout(180_000);
  await openApp(page);
  await expect(page.getByTestId('dataset-name')).toHaveText('MNIST digits');
  const dir = 'public/samples/lenet-300-100';
  await pickFiles(page, ['model.json', 'group1-shard1of1.bin'].map((f) => ({ path: f === 'model.json' ? 'mine.json' : f, bytes: new Uint8Array(readFileSync(`${dir}/${f}`)) })));
  await waitForImportToFinish(page);
  await expect(page.getByTestId('model-name')).toHaveText('mine');
  await runPreset(page, 'Quantize', 'float16 — safe');
  await expect(page.getByTestId('experiments').getByTestId('experiment')).toContainText('mine experiment');

  const library = page.getByTestId('library');
  await library.getByRole('button', { name: 'Delete mine', exact: true }).click();
  const confirm = library.getByTestId('library-delete-confirm');
  await expect(confirm).toContainText('“mine” is the base of the experiment “mine experiment”, so it is kept');
  await expect(confirm.getByRole('button')).toHaveText(['Keep']);
  await confirm.getByRole('button', { name: 'Keep' }).click();
  await expect(library.getByTestId('library-entry')).toHaveCount(2);
  await expect(page.getByRole('alert')).toHaveCount(0);
});
