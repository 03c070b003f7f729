/** The search plug-in: streams candidates as they finish and returns the retrained winner. */
import type { Technique } from '../types';
import { SEARCH_META, type SearchConfig } from './meta';
import { runSearch } from './run';

export const SEARCH: Technique<SearchConfig> = {
  meta: SEARCH_META,
  run: runSearch,
};
