/** The whole import as the worker runs it: collect (unzip, caps) → prepare (validate) → load. */
import { collectFiles } from './collect';
import type { ImportLimits } from './limits';
import { loadPrepared } from './load';
import type { LoadedModel } from './loaded';
import type { InputFile } from './types';
import { prepareModelExplained } from './prepare-explained';

export async function importModelFiles(files: InputFile[], limits?: Partial<ImportLimits>): Promise<LoadedModel> {
  return loadPrepared(await prepareModelExplained(collectFiles(files, limits), limits));
}
