/**
 * Save an experiment file's models to the library. Every model is validated like a user's files
 * and its SHA-256 checked against the id it claims before anything is written; then all are saved
 * in one transaction (entries, files and records): a closed tab or full disk saves none of them.
 */
import { BonsaiError } from '../../engine/errors';
import { sha256Hex } from '../../engine/metrics/size';
import { prepareModel } from '../../engine/model/validate';
import { throwIfAborted } from '../../engine/runtime/yield';
import { saveAll } from '../../library/db';
import type { ExperimentModel } from '../../share/experiment-file';
import type { JobContext } from './context';

export async function runImportExperiment(models: ExperimentModel[], ctx: JobContext): Promise<{ saved: number }> {
  // Check everything first: a bad model anywhere saves nothing.
  for (const [i, m] of models.entries()) {
    throwIfAborted(ctx.signal);
    ctx.progress(`Checking ${m.entry.name}`, i, models.length * 2);
    const prepared = prepareModel(m.files);
    const sha = await sha256Hex(prepared);
    if (sha !== m.entry.id) {
      throw new BonsaiError('ZIP_INVALID', `The experiment file's ${m.entry.name} does not match its SHA-256 (the files were altered).`, 'Export the experiment again from Bonsai. Nothing was saved.');
    }
  }
  throwIfAborted(ctx.signal);
  ctx.progress(`Saving ${models.length} model${models.length === 1 ? '' : 's'}`, models.length, models.length * 2);
  await saveAll(models.map((m) => ({ entry: m.entry, files: m.files, record: m.record ?? undefined })));
  return { saved: models.length };
}
