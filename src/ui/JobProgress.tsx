import { useEffect, useState } from 'react';
import type { JobState } from '../store/store';
import { formatEta } from './format';

/** A progress bar with phase, ETA and Cancel for one running job. */
export function JobProgress({ job }: { job: JobState }) {
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    const t = setInterval(() => setNow(performance.now()), 500);
    return () => clearInterval(t);
  }, []);
  const fraction = job.total > 0 ? Math.min(1, job.done / job.total) : 0;
  return (
    <div className="job" data-testid={`job-${job.kind}`}>
      <div className="job-row">
        <span className="job-phase">
          {job.label}: {job.phase}
        </span>
        <span className="job-eta">{formatEta(job.startedAt, job.done, job.total, now)}</span>
        <button type="button" onClick={job.cancel}>
          Cancel
        </button>
      </div>
      <progress max={1} value={fraction} aria-label={`${job.label} progress`} />
    </div>
  );
}
