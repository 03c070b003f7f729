/** The search pool's size rule (no tf: the Options form shows what "auto" means here). */

/**
 * The pool size "auto" picks from the cores this device reports: one core stays with the page and
 * the engine (latency is timed there), the rest train, at most 4. With fewer than 4 cores the
 * search trains in the engine worker.
 */
export function autoPoolSize(cores: number | undefined): number {
  if (!cores || cores < 4) return 1;
  return Math.min(4, cores - 1);
}
