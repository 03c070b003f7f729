import { BonsaiError, toErrorInfo, type ErrorInfo } from '../engine/errors';
import { EngineError } from '../worker/client';
import { useStore, type ErrorSource, type ShownError } from './store';

let nextErrorId = 1;

/** More than this many errors at once is noise: the oldest are dropped. */
export const MAX_SHOWN_ERRORS = 5;

export function isAbort(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { name?: string }).name === 'AbortError';
}

export function errorInfoOf(e: unknown): ErrorInfo {
  if (e instanceof EngineError) return e.info;
  // An Error's message is not enumerable: spreading the error itself would lose it.
  if (e instanceof BonsaiError) return e.toInfo();
  if (typeof e === 'object' && e !== null && 'code' in e && 'message' in e) return e as ErrorInfo;
  // A failure on the page itself (e.g. an allocation while reading a dropped file) is classified too.
  return toErrorInfo(e, 'INTERNAL');
}

/**
 * Errors appear in one place (ErrorList), the newest first. `source` is the action the error
 * belongs to (an import, a benchmark…): the next success of that action clears it. Aborts are
 * never errors.
 */
export function reportError(e: unknown, source?: ErrorSource): void {
  if (isAbort(e)) return;
  const info = errorInfoOf(e);
  const shown: ShownError = { ...info, id: nextErrorId++, ...(source ? { source } : {}) };
  useStore.setState((s) => ({ errors: [shown, ...s.errors].slice(0, MAX_SHOWN_ERRORS) }));
}

export function dismissError(id: number): void {
  useStore.setState((s) => ({ errors: s.errors.filter((e) => e.id !== id) }));
}

/** The action succeeded: its earlier errors no longer describe the app. */
export function clearErrorsOf(source: ErrorSource): void {
  useStore.setState((s) => (s.errors.some((e) => e.source === source) ? { errors: s.errors.filter((e) => e.source !== source) } : {}));
}

export function clearErrors(): void {
  useStore.setState({ errors: [] });
}
