import {
  budgetAllowed,
  type AcquireRequest,
  type AcquireResult,
  type BucketSpec,
  type BucketState,
  type InspectRequest,
  type Inspection,
  type PolicyBackend,
  type ReleaseRequest,
  type RetryBudgetRequest,
  type RetryBudgetResult,
  type RetryBudgetState,
  type WindowSpec,
} from './backend.js';
import { systemClock, type Clock } from './clock.js';

export interface MemoryBackendOptions {
  clock?: Pick<Clock, 'now'>;
  /**
   * Most keys kept per kind of state; the least recently written go first. Bounds memory when keys
   * come from outside (the front door's API keys). Default 100,000.
   */
  maxKeys?: number;
}

const EPSILON = 1e-9;

/** Limits for one process (embedded mode, and the front door's fallback when Redis is down). */
export class MemoryBackend implements PolicyBackend {
  readonly kind = 'memory' as const;
  private readonly clock: Pick<Clock, 'now'>;
  private readonly maxKeys: number;
  private readonly tats = new Map<string, number>();
  private readonly pauses = new Map<string, number>();
  private readonly leases = new Map<string, Map<string, number>>();
  private readonly windows = new Map<string, Map<number, { first: number; retries: number }>>();
  private readonly backoffs = new Map<string, { attempt: number; untilMs: number }>();
  private readonly successes = new Map<string, number>();

  constructor(options: MemoryBackendOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.maxKeys = options.maxKeys ?? 100_000;
  }

  acquire(request: AcquireRequest): Promise<AcquireResult> {
    const now = this.clock.now();
    let waitMs = 0;
    let blockedBy: 'rate' | 'pause' | 'concurrency' = 'rate';
    let index = 0;
    const tats = request.buckets.map((bucket, i) => {
      const tat = Math.max(this.tats.get(bucket.key) ?? now, now);
      const wait = tat + bucket.intervalMs - now - bucket.burst * bucket.intervalMs;
      if (wait > waitMs) [waitMs, blockedBy, index] = [wait, 'rate', i];
      return tat;
    });
    request.pauses.forEach((key, i) => {
      const wait = (this.pauses.get(key) ?? 0) - now;
      if (wait > waitMs) [waitMs, blockedBy, index] = [wait, 'pause', i];
    });
    let slotWait = 0;
    let slotIndex = -1;
    request.slots.forEach((slot, i) => {
      const leases = this.liveLeases(slot.key, now);
      if (leases.size < slot.limit) return;
      const earliest = Math.min(...leases.values());
      const wait = Math.max(1, Math.min(request.slotPollMs ?? 25, earliest - now));
      if (wait > slotWait) [slotWait, slotIndex] = [wait, i];
    });
    // A time-based wait within the lookahead becomes a reservation; a missing slot never does.
    if (slotIndex >= 0 || waitMs > (request.lookaheadMs ?? 0) + EPSILON) {
      if (slotWait > waitMs) [waitMs, blockedBy, index] = [slotWait, 'concurrency', slotIndex];
      const buckets = request.buckets.map((bucket, i) => bucketState(bucket, tats[i] ?? now, now));
      return Promise.resolve({
        granted: false,
        buckets,
        waitMs: Math.ceil(waitMs),
        blockedBy,
        index,
      });
    }
    const buckets = request.buckets.map((bucket, i) => {
      const next = (tats[i] ?? now) + bucket.intervalMs;
      this.write(this.tats, bucket.key, next);
      return bucketState(bucket, next, now);
    });
    if (request.slots.length > 0) {
      if (request.lease === undefined) throw new Error('acquire: slots need a lease');
      for (const slot of request.slots) {
        const leases = this.liveLeases(slot.key, now);
        leases.set(request.lease.id, now + request.lease.ttlMs);
        this.write(this.leases, slot.key, leases);
      }
    }
    if (request.countFirstAttempt) this.windowCell(request.countFirstAttempt, now).first += 1;
    return Promise.resolve({
      granted: true,
      buckets,
      delayMs: waitMs > EPSILON ? Math.ceil(waitMs) : 0,
    });
  }

  shift(buckets: string[], byMs: number): Promise<void> {
    const now = this.clock.now();
    for (const key of buckets) {
      const tat = this.tats.get(key);
      if (tat !== undefined && tat > now) this.write(this.tats, key, tat + byMs);
    }
    return Promise.resolve();
  }

  renew(slots: string[], leaseId: string, ttlMs: number): Promise<void> {
    const now = this.clock.now();
    for (const key of slots) {
      const leases = this.liveLeases(key, now);
      if (leases.has(leaseId)) leases.set(leaseId, now + ttlMs);
    }
    return Promise.resolve();
  }

  release(request: ReleaseRequest): Promise<void> {
    const now = this.clock.now();
    if (request.leaseId !== undefined) {
      for (const key of request.slots) this.leases.get(key)?.delete(request.leaseId);
    }
    if (request.pause && request.pause.forMs > 0) {
      const until = now + request.pause.forMs;
      for (const key of request.pause.keys) {
        if ((this.pauses.get(key) ?? 0) < until) this.write(this.pauses, key, until);
      }
    }
    if (request.successKey !== undefined) this.write(this.successes, request.successKey, now);
    return Promise.resolve();
  }

  tryRetry(request: RetryBudgetRequest): Promise<RetryBudgetResult> {
    const now = this.clock.now();
    const state = this.budgetState(request.window, request.ratio, request.minRetries, now);
    if (state.retries + 1 > state.allowed)
      return Promise.resolve({ granted: false, ...state, left: 0 });
    this.windowCell(request.window, now).retries += 1;
    if (request.backoff) {
      const { key, attempt, delayMs } = request.backoff;
      this.write(this.backoffs, key, { attempt, untilMs: now + delayMs });
    }
    return Promise.resolve({
      granted: true,
      ...state,
      retries: state.retries + 1,
      left: state.allowed - state.retries - 1,
    });
  }

  inspect(request: InspectRequest): Promise<Inspection> {
    const now = this.clock.now();
    const backoff =
      request.backoffKey === undefined ? undefined : this.backoffs.get(request.backoffKey);
    const lastSuccessMs =
      request.successKey === undefined ? undefined : this.successes.get(request.successKey);
    return Promise.resolve({
      nowMs: now,
      buckets: request.buckets.map((bucket) =>
        bucketState(bucket, Math.max(this.tats.get(bucket.key) ?? now, now), now),
      ),
      pauses: request.pauses.map((key) => {
        const until = this.pauses.get(key) ?? 0;
        return until > now ? until : 0;
      }),
      slots: request.slots.map((key) => this.liveLeases(key, now).size),
      ...(request.budget
        ? {
            budget: this.budgetState(
              request.budget.window,
              request.budget.ratio,
              request.budget.minRetries,
              now,
            ),
          }
        : {}),
      ...(backoff && backoff.untilMs > now ? { backoff } : {}),
      ...(lastSuccessMs === undefined ? {} : { lastSuccessMs }),
    });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private liveLeases(key: string, now: number): Map<string, number> {
    const leases = this.leases.get(key) ?? new Map<string, number>();
    for (const [id, expiry] of leases) if (expiry <= now) leases.delete(id);
    return leases;
  }

  private windowCell(window: WindowSpec, now: number): { first: number; retries: number } {
    const cells = this.liveCells(window, now);
    const index = Math.floor(now / window.bucketMs);
    let cell = cells.get(index);
    if (!cell) {
      cell = { first: 0, retries: 0 };
      cells.set(index, cell);
    }
    this.write(this.windows, window.key, cells);
    return cell;
  }

  private liveCells(
    window: WindowSpec,
    now: number,
  ): Map<number, { first: number; retries: number }> {
    const cells =
      this.windows.get(window.key) ?? new Map<number, { first: number; retries: number }>();
    const oldest = Math.floor(now / window.bucketMs) - Math.ceil(window.windowMs / window.bucketMs);
    for (const index of cells.keys()) if (index <= oldest) cells.delete(index);
    return cells;
  }

  private budgetState(
    window: WindowSpec,
    ratio: number,
    minRetries: number,
    now: number,
  ): RetryBudgetState {
    let firstAttempts = 0;
    let retries = 0;
    for (const cell of this.liveCells(window, now).values()) {
      firstAttempts += cell.first;
      retries += cell.retries;
    }
    const allowed = budgetAllowed(firstAttempts, ratio, minRetries);
    return { firstAttempts, retries, allowed, left: Math.max(0, allowed - retries) };
  }

  /** Map insertion order doubles as recency, so the oldest write is evicted first. */
  private write<V>(map: Map<string, V>, key: string, value: V): void {
    map.delete(key);
    map.set(key, value);
    if (map.size > this.maxKeys) {
      const oldest = map.keys().next();
      if (!oldest.done) map.delete(oldest.value);
    }
  }
}

function bucketState(bucket: BucketSpec, tat: number, now: number): BucketState {
  const capacity = bucket.burst * bucket.intervalMs;
  const remaining = Math.floor((now + capacity - tat) / bucket.intervalMs + EPSILON);
  return {
    remaining: Math.max(0, Math.min(bucket.burst, remaining)),
    resetMs: Math.max(0, Math.ceil(tat - now)),
  };
}
