import type { ErrorInfo } from '../engine/errors';
import { EngineError } from '../worker/client';
import { useStore } from './store';

let nextErrorId = 1;

export function isAbort(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { name?: string }).name === 'AbortError';
}

export function errorInfoOf(e: unknown): ErrorInfo {
  if (e instanceof EngineError) return e.info;
  if (typeof e === 'object' && e !== null && 'code' in e && 'message' in e) return e as ErrorInfo;
  return { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) };
}

/** Errors appear in one place (ErrorList). Aborts are never errors. */
export function reportError(e: unknown): void {
  if (isAbort(e)) return;
  const info = errorInfoOf(e);
  useStore.setState((s) => ({ errors: [...s.errors.slice(-4), { ...info, id: nextErrorId++ }] }));
}

export function dismissError(id: number): void {
  useStore.setState((s) => ({ errors: s.errors.filter((e) => e.id !== id) }));
}

export function clearErrors(): void {
  useStore.setState({ errors: [] });
}
