import { abortError } from '../errors';

/**
 * Yield a real macrotask so the worker's message loop can deliver a cancel. tf.nextFrame does not
 * yield in a worker (no requestAnimationFrame), and a resolved promise is only a microtask.
 */
export function yieldMacrotask(): Promise<void> {
  if (typeof MessageChannel !== 'undefined') {
    return new Promise((resolve) => {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => {
        ch.port1.close();
        resolve();
      };
      ch.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}

export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw abortError();
}

/** Yield, then check the signal: the one call every long loop makes at a batch/run boundary. */
export async function checkpoint(signal?: AbortSignal): Promise<void> {
  await yieldMacrotask();
  throwIfAborted(signal);
}
