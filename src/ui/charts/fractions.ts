/**
 * A 0–1 share, by column name: shown as a percentage, and charted on its own axis, never beside
 * counts (see PerLayerChart).
 */
export const isFractionKey = (key: string) => /fraction|sparsity|share|ratio|agreement|accuracy/i.test(key);
