/**
 * The pause point of one pool member (no tf). A member that trains calls `step()` after every
 * training step; `pause()` resolves once the member is idle or waiting at that point, so a latency
 * measurement never overlaps a member's training. `resume()` lets it go on.
 */
export class PauseGate {
  private paused = false;
  private training = false;
  private waiting = false;
  private acks: (() => void)[] = [];
  private release: (() => void) | null = null;
  private released: Promise<void> = Promise.resolve();

  /** Resolves once the member trains no more until `resume()`. */
  pause(): Promise<void> {
    if (!this.paused) {
      this.paused = true;
      this.released = new Promise((r) => (this.release = r));
    }
    if (!this.training || this.waiting) return Promise.resolve();
    return new Promise((r) => this.acks.push(r));
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.release?.();
    this.release = null;
  }

  /** Around one training job: while it runs, `pause()` waits for the next `step()`. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    await this.step();
    this.training = true;
    try {
      return await fn();
    } finally {
      this.training = false;
      this.ack();
    }
  }

  /** Called after every training step (and before a job starts): waits while paused. */
  async step(): Promise<void> {
    while (this.paused) {
      this.waiting = true;
      this.ack();
      await this.released;
      this.waiting = false;
    }
  }

  get isPaused(): boolean {
    return this.paused;
  }

  private ack(): void {
    const acks = this.acks;
    this.acks = [];
    for (const a of acks) a();
  }
}

/** Runs the functions it is given one after another (an exclusive section never overlaps another). */
export function serialized(): <T>(fn: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>) => {
    const run = tail.then(fn, fn);
    tail = run.catch(() => undefined);
    return run;
  };
}
