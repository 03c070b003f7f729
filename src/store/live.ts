/**
 * Items a technique streams while it runs (RunContext.live), handed to whoever registered for
 * them — the Search view's store takes NAS candidates. An item nobody claims is dropped.
 */
type LiveHandler = (item: unknown) => boolean;

const handlers: LiveHandler[] = [];

export function onLive(handler: LiveHandler): void {
  if (!handlers.includes(handler)) handlers.push(handler);
}

export function dispatchLive(item: unknown): void {
  for (const h of handlers) if (h(item)) return;
}
