/** Time source of the in-memory backend, the policies and the batcher; tests inject a manual one. */
export interface Clock {
  /** Milliseconds since the epoch (fractions allowed). */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};

/** A clock that only moves when told to; `sleep` resolves once `advance` passes its deadline. */
export class ManualClock implements Clock {
  private timers: Array<{ at: number; resolve: () => void }> = [];

  constructor(private current = 0) {}

  now(): number {
    return this.current;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.timers.push({ at: this.current + Math.max(0, ms), resolve });
    });
  }

  /** Moves time forward and wakes every sleeper whose deadline has passed, earliest first. */
  advance(ms: number): void {
    this.current += ms;
    const due = this.timers.filter((timer) => timer.at <= this.current).sort((a, b) => a.at - b.at);
    this.timers = this.timers.filter((timer) => timer.at > this.current);
    for (const timer of due) timer.resolve();
  }
}
