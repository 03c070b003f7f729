import { useEffect, useState } from 'react';
import { formatBytes } from './format';

/**
 * What this browser's storage holds for Bonsai and what is left (navigator.storage.estimate), and
 * — once something worth keeping is saved — a request that the browser not evict it
 * (navigator.storage.persist, asked once; the answer is shown).
 */
let asked = false;

export function StorageLine({ entries }: { entries: number }) {
  const [estimate, setEstimate] = useState<{ usage: number; quota: number } | null>(null);
  const [persisted, setPersisted] = useState<boolean | null>(null);
  useEffect(() => {
    let live = true;
    const storage = typeof navigator !== 'undefined' ? navigator.storage : undefined;
    storage?.estimate?.().then((e) => live && setEstimate({ usage: e.usage ?? 0, quota: e.quota ?? 0 }), () => undefined);
    storage?.persisted?.().then(async (p) => {
      // Ask once per page, when the library first holds something (not again on every save).
      const ask = !p && entries > 0 && !asked;
      if (ask) asked = true;
      const granted = p || (ask ? await storage.persist().catch(() => false) : false);
      if (live) setPersisted(granted);
    }, () => undefined);
    return () => {
      live = false;
    };
  }, [entries]);
  if (!estimate) return null;
  return (
    <p className="muted" data-testid="storage-line">
      Storage: {formatBytes(estimate.usage)} used of the {formatBytes(estimate.quota)} this browser allows this site
      {entries > 0 && persisted !== null ? (persisted ? ' · kept persistently' : ' · the browser may evict it under storage pressure (persistent storage was not granted)') : ''}.
    </p>
  );
}
