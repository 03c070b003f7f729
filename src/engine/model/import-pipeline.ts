/** The whole import as the worker runs it: collect (unzip, caps) → prepare (validate) → load. */
import { collectFiles } from './collect';
import type { ImportLimits } from './limits';
import { loadPrepared } from './load';
import type { LoadedModel } from './loaded';
import type { InputFile } from './types';
import { prepareModel } from './validate';

export async function importModelFiles(files: InputFile[], limits?: Partial<ImportLimits>): Promise<LoadedModel> {
  return loadPrepared(prepareModel(collectFiles(files, limits), limits));
}
