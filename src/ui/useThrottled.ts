import { useEffect, useRef, useState } from 'react';

/**
 * `value`, updated at most once per `intervalMs` (the latest value always lands, at the end of the
 * interval). Live charts take their data through it, so a job streaming ten points a second
 * re-renders the chart once a second, not ten times: no long task on the main thread.
 */
export function useThrottled<T>(value: T, intervalMs: number): T {
  const [shown, setShown] = useState(value);
  const last = useRef(0);
  const latest = useRef(value);
  latest.current = value;
  useEffect(() => {
    const wait = last.current + intervalMs - performance.now();
    if (wait <= 0) {
      last.current = performance.now();
      setShown(value);
      return;
    }
    const t = setTimeout(() => {
      last.current = performance.now();
      setShown(latest.current);
    }, wait);
    return () => clearTimeout(t);
  }, [value, intervalMs]);
  return shown;
}
