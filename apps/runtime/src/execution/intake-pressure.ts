import { performance } from 'node:perf_hooks';

// Embedded mode runs intake and the dispatcher in one process. An accepted event is already durable,
// so when the event loop is saturated while requests are being accepted, the dispatcher steps back:
// it starts at most one item (or one batch) per PAUSE_MS, and runs at full concurrency again once
// intake has been quiet for QUIET_MS or the loop has room again. Work still advances under a
// sustained burst; it only waits behind the answers. A loop with room is never throttled: steady
// moderate intake must not hold delivery back while the process idles.

const PAUSE_MS = 100;
const QUIET_MS = 50;
/** Share of the last sample window the loop spent running code, above which it counts as saturated. */
const SATURATED = 0.7;
const SAMPLE_MS = 100;

export interface IntakePressureOptions {
  now?: () => number;
  /** Cumulative event-loop time (ms) spent running code and idle, as perf_hooks reports it. */
  loopTime?: () => LoopTime;
}

interface LoopTime {
  active: number;
  idle: number;
}

export class IntakePressure {
  private inflight = 0;
  private lastEnd = 0;
  private gate: Promise<void> = Promise.resolve();
  private readonly now: () => number;
  private readonly loopTime: () => LoopTime;
  private sample: LoopTime;
  private sampledAt: number;
  private saturated = false;

  constructor(options: IntakePressureOptions = {}) {
    this.now = options.now ?? Date.now;
    this.loopTime = options.loopTime ?? (() => performance.eventLoopUtilization());
    this.sample = this.loopTime();
    this.sampledAt = this.now();
  }

  begin(): void {
    this.inflight += 1;
  }

  end(): void {
    this.inflight -= 1;
    this.lastEnd = this.now();
  }

  get busy(): boolean {
    return this.inflight > 0 || this.now() - this.lastEnd < QUIET_MS;
  }

  /** Whether the loop was saturated over the last complete sample window (sampled on demand). */
  private loopSaturated(): boolean {
    const now = this.now();
    if (now - this.sampledAt >= SAMPLE_MS) {
      const current = this.loopTime();
      this.saturated = delta(current, this.sample) >= SATURATED;
      this.sample = current;
      this.sampledAt = now;
    }
    return this.saturated;
  }

  /** Resolves when the dispatcher may start its next item. */
  turn(): Promise<void> {
    if (!this.busy || !this.loopSaturated()) return Promise.resolve();
    const next = this.gate.then(() => new Promise<void>((ok) => setTimeout(ok, PAUSE_MS)));
    this.gate = next;
    return next;
  }
}

/** Utilization between two cumulative readings. */
function delta(current: LoopTime, previous: LoopTime): number {
  const active = current.active - previous.active;
  const idle = current.idle - previous.idle;
  return active + idle > 0 ? active / (active + idle) : 0;
}

/** One per process: intake (API side) and the in-process dispatcher share it. */
export const intakePressure = new IntakePressure();
