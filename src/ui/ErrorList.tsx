import { useRef } from 'react';
import { useStore, selectErrors } from '../store/store';
import { clearErrors, dismissError } from '../store/errors';

/**
 * Every error the user sees appears here, newest first, with its code and what to do about it.
 * Each one is dismissed with its own button (a real button: Tab, then Enter or Space); focus then
 * moves to the next error's button, so a keyboard user is never dropped at the top of the page.
 */
export function ErrorList() {
  const errors = useStore(selectErrors);
  const listRef = useRef<HTMLElement>(null);
  if (errors.length === 0) return null;

  const dismiss = (id: number, index: number) => {
    dismissError(id);
    requestAnimationFrame(() => {
      const buttons = listRef.current?.querySelectorAll<HTMLButtonElement>('button[data-dismiss]');
      buttons?.[Math.min(index, buttons.length - 1)]?.focus();
    });
  };

  return (
    <section ref={listRef} className="errors" aria-label="Errors" aria-live="assertive" data-testid="error-list">
      {errors.map((e, i) => (
        <div key={e.id} className="error" role="alert" data-code={e.code} data-source={e.source}>
          <div>
            <strong className="error-code">{e.code}</strong> {e.message}
            {e.file ? <span className="error-file"> — {e.file}</span> : null}
            {e.hint ? <p className="error-hint">{e.hint}</p> : null}
          </div>
          <button type="button" className="icon" data-dismiss aria-label={`Dismiss ${e.code}`} title="Dismiss" onClick={() => dismiss(e.id, i)}>
            ×
          </button>
        </div>
      ))}
      {errors.length > 1 ? (
        <button type="button" className="dismiss-all" onClick={clearErrors}>
          Clear all {errors.length} errors
        </button>
      ) : null}
    </section>
  );
}
