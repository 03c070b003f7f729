import { describe, expect, it } from 'vitest';
import { PauseGate, serialized } from './pause-gate';

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('PauseGate', () => {
  it('an idle member is paused at once; a training one only at its next step', async () => {
    const idle = new PauseGate();
    await idle.pause();
    idle.resume();

    const gate = new PauseGate();
    const events: string[] = [];
    let step!: () => void;
    const stepped = new Promise<void>((r) => (step = r));
    const job = gate.run(async () => {
      events.push('start');
      await stepped; // a training step in progress
      await gate.step();
      events.push('after step');
    });
    await tick();
    let paused = false;
    const p = gate.pause().then(() => (paused = true));
    await tick();
    expect(paused).toBe(false); // the step has not ended
    step();
    await p;
    expect(events).toEqual(['start']); // waiting at the step, not past it
    gate.resume();
    await job;
    expect(events).toEqual(['start', 'after step']);
  });

  it('a paused member does not start its next job until resumed; a job that ends releases a pause', async () => {
    const gate = new PauseGate();
    await gate.pause();
    let started = false;
    const job = gate.run(async () => void (started = true));
    await tick();
    expect(started).toBe(false);
    gate.resume();
    await job;
    expect(started).toBe(true);

    let end!: () => void;
    const running = gate.run(() => new Promise<void>((r) => (end = r)));
    await tick();
    const p = gate.pause();
    end();
    await running;
    await p; // resolved by the job ending, not by a step
    gate.resume();
  });
});

describe('serialized', () => {
  it('never overlaps two sections, and a failing one does not block the next', async () => {
    const one = serialized();
    const log: string[] = [];
    const section = (name: string, fail = false) => one(async () => {
      log.push(`${name}+`);
      await tick();
      log.push(`${name}-`);
      if (fail) throw new Error(name);
      return name;
    });
    const results = await Promise.allSettled([section('a'), section('b', true), section('c')]);
    expect(log).toEqual(['a+', 'a-', 'b+', 'b-', 'c+', 'c-']);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });
});
