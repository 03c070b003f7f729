/** Every case of the bad-input corpus, in a stable order. */
import { containerCases } from './container-cases';
import { dataCases } from './data-cases';
import { modelCases } from './model-cases';
import { recipeCases } from './recipes';
import type { CorpusCase } from './types';

export const CORPUS_DIR = 'e2e/fixtures/bad-corpus';

export function allCorpusCases(): CorpusCase[] {
  return [...modelCases(), ...containerCases(), ...dataCases(), ...recipeCases()];
}
