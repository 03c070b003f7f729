import { useStore, selectErrors } from '../store/store';
import { dismissError } from '../store/errors';

/** Every error the user sees appears here, with its code and what to do about it. */
export function ErrorList() {
  const errors = useStore(selectErrors);
  if (errors.length === 0) return null;
  return (
    <section className="errors" aria-label="Errors" aria-live="assertive">
      {errors.map((e) => (
        <div key={e.id} className="error" role="alert" data-code={e.code}>
          <div>
            <strong className="error-code">{e.code}</strong> {e.message}
            {e.file ? <span className="error-file"> — {e.file}</span> : null}
            {e.hint ? <p className="error-hint">{e.hint}</p> : null}
          </div>
          <button type="button" className="icon" aria-label={`Dismiss ${e.code}`} onClick={() => dismissError(e.id)}>
            ×
          </button>
        </div>
      ))}
    </section>
  );
}
