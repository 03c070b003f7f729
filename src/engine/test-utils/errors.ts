import { BonsaiError } from '../errors';

/** The BonsaiError `f` throws (any other exception is rethrown; no exception fails the test). */
export function bonsaiErrorOf(f: () => unknown): BonsaiError {
  try {
    f();
  } catch (e) {
    if (e instanceof BonsaiError) return e;
    throw e;
  }
  throw new Error('expected a BonsaiError');
}
