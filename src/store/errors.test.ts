import { beforeEach, describe, expect, it } from 'vitest';
import { clearErrorsOf, dismissError, MAX_SHOWN_ERRORS, reportError } from './errors';
import { initialState, useStore } from './store';

const codes = () => useStore.getState().errors.map((e) => e.code);

describe('the one error area', () => {
  beforeEach(() => useStore.setState({ ...initialState }));

  it('shows the newest error first and keeps at most MAX_SHOWN_ERRORS', () => {
    reportError({ code: 'NOT_JSON', message: 'a' }, 'import');
    reportError({ code: 'JOB_FAILED', message: 'b' }, 'benchmark');
    expect(codes()).toEqual(['JOB_FAILED', 'NOT_JSON']);
    for (let i = 0; i < MAX_SHOWN_ERRORS + 2; i++) reportError({ code: 'INTERNAL', message: `x${i}` });
    expect(useStore.getState().errors).toHaveLength(MAX_SHOWN_ERRORS);
    expect(useStore.getState().errors[0].message).toBe(`x${MAX_SHOWN_ERRORS + 1}`);
  });

  it('a success of an action clears only that action’s errors', () => {
    reportError({ code: 'NOT_JSON', message: 'bad file' }, 'import');
    reportError({ code: 'JOB_FAILED', message: 'bench failed' }, 'benchmark');
    reportError({ code: 'WORKER_CRASHED', message: 'no source' });
    clearErrorsOf('import');
    expect(codes()).toEqual(['WORKER_CRASHED', 'JOB_FAILED']);
    clearErrorsOf('benchmark');
    expect(codes()).toEqual(['WORKER_CRASHED']);
  });

  it('dismisses one error by id and never shows an abort', () => {
    reportError({ code: 'NOT_JSON', message: 'a' });
    reportError({ code: 'JOB_FAILED', message: 'b' });
    dismissError(useStore.getState().errors[1].id);
    expect(codes()).toEqual(['JOB_FAILED']);
    reportError(Object.assign(new Error('Cancelled'), { name: 'AbortError' }));
    expect(codes()).toEqual(['JOB_FAILED']);
  });
});
