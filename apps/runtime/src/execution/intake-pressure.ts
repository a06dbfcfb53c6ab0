// Embedded mode runs intake and the dispatcher in one process. An accepted event is already durable,
// so while requests are being accepted the dispatcher takes a smaller share of the event loop: it
// starts at most one item per PAUSE_MS, and runs at full concurrency again once intake has been
// quiet for QUIET_MS. Work still advances under a sustained burst; it only waits behind the answers.

const PAUSE_MS = 25;
const QUIET_MS = 50;

export class IntakePressure {
  private inflight = 0;
  private lastEnd = 0;
  private gate: Promise<void> = Promise.resolve();

  begin(): void {
    this.inflight += 1;
  }

  end(): void {
    this.inflight -= 1;
    this.lastEnd = Date.now();
  }

  get busy(): boolean {
    return this.inflight > 0 || Date.now() - this.lastEnd < QUIET_MS;
  }

  /** Resolves when the dispatcher may start its next item. */
  turn(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    const next = this.gate.then(() => new Promise<void>((ok) => setTimeout(ok, PAUSE_MS)));
    this.gate = next;
    return next;
  }
}

/** One per process: intake (API side) and the in-process dispatcher share it. */
export const intakePressure = new IntakePressure();
