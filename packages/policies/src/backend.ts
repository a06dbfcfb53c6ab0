// The storage primitives every limit is built from. Each operation is atomic in its backend (one
// synchronous function in memory, one Lua script in Redis), so a multi-layer acquire checks every
// bucket, pause and slot set first and takes from all of them or from none.

/**
 * A GCRA bucket, equivalent to a token bucket of capacity `burst` refilled with one token every
 * `intervalMs`. Its whole state is one number, the theoretical arrival time.
 */
export interface BucketSpec {
  key: string;
  intervalMs: number;
  burst: number;
}

/** A set of leased concurrency slots, at most `limit` unexpired leases at once. */
export interface SlotSpec {
  key: string;
  limit: number;
}

/** A sliding window of counters kept in `windowMs / bucketMs` sub-buckets. */
export interface WindowSpec {
  key: string;
  windowMs: number;
  bucketMs: number;
}

export interface AcquireRequest {
  buckets: BucketSpec[];
  /** Keys holding a "no request before" time (429 Retry-After, exhausted partner quota). */
  pauses: string[];
  slots: SlotSpec[];
  /** Required when `slots` is not empty. */
  lease?: { id: string; ttlMs: number };
  /** How long to suggest waiting when only a slot is missing (slots free on release, not on a clock). */
  slotPollMs?: number;
  /**
   * Grants a token whose time comes within this many ms, as a reservation: the GCRA schedule
   * advances by exactly one interval and the caller sleeps `delayMs` before sending. A waiter
   * that wakes a little late then still gets its slot, so timer lateness does not pile up into
   * lost throughput. Never applies to concurrency. Default 0.
   */
  lookaheadMs?: number;
  /** Counts one first attempt into this retry-budget window when granted. */
  countFirstAttempt?: WindowSpec;
}

export interface BucketState {
  /** Whole tokens left after the decision. */
  remaining: number;
  /** Milliseconds until the bucket is full again. */
  resetMs: number;
}

export type AcquireResult =
  | {
      granted: true;
      buckets: BucketState[];
      /** Wait this long before sending (a reservation within `lookaheadMs`), usually 0. */
      delayMs: number;
    }
  | {
      granted: false;
      buckets: BucketState[];
      /** The longest wait any layer needs, in ms. */
      waitMs: number;
      blockedBy: 'rate' | 'pause' | 'concurrency';
      /** Index into `buckets`, `pauses` or `slots` of the layer that needs `waitMs`. */
      index: number;
    };

export interface ReleaseRequest {
  slots: string[];
  leaseId?: string;
  /** Pause these keys for at least `forMs` from now (a pause is only ever extended). */
  pause?: { keys: string[]; forMs: number };
  /** Records "now" as the last success. */
  successKey?: string;
}

export interface RetryBudgetRequest {
  window: WindowSpec;
  ratio: number;
  minRetries: number;
  /** Stored when the retry is allowed, for the health view. */
  backoff?: { key: string; delayMs: number; attempt: number };
}

export interface RetryBudgetState {
  firstAttempts: number;
  retries: number;
  /** Retries the window allows: floor(ratio x firstAttempts) + minRetries. */
  allowed: number;
  left: number;
}

export interface RetryBudgetResult extends RetryBudgetState {
  granted: boolean;
}

export interface InspectRequest {
  buckets: BucketSpec[];
  pauses: string[];
  slots: string[];
  budget?: { window: WindowSpec; ratio: number; minRetries: number };
  backoffKey?: string;
  successKey?: string;
}

export interface Inspection {
  /** The backend's clock, which every absolute time below uses. */
  nowMs: number;
  buckets: BucketState[];
  /** Absolute pause ends, 0 when not paused. */
  pauses: number[];
  /** Unexpired leases per slot key. */
  slots: number[];
  budget?: RetryBudgetState;
  backoff?: { attempt: number; untilMs: number };
  lastSuccessMs?: number;
}

export interface PolicyBackend {
  readonly kind: 'memory' | 'redis';
  acquire(request: AcquireRequest): Promise<AcquireResult>;
  /**
   * Moves the schedule of the listed buckets later by `byMs`, when a reserved token was used
   * late: the requests after it keep their distance from the late one.
   */
  shift(buckets: string[], byMs: number): Promise<void>;
  /** Extends the listed leases if they still exist (an expired lease is not brought back). */
  renew(slots: string[], leaseId: string, ttlMs: number): Promise<void>;
  release(request: ReleaseRequest): Promise<void>;
  /** Counts one retry if the budget allows it. */
  tryRetry(request: RetryBudgetRequest): Promise<RetryBudgetResult>;
  inspect(request: InspectRequest): Promise<Inspection>;
  close(): Promise<void>;
}

/** Thrown by a backend that cannot reach its store; the policies turn it into a PolicyError. */
export class BackendUnavailableError extends Error {
  override readonly name = 'BackendUnavailableError';
}

/** Retry budget arithmetic shared by both backends (and mirrored in the Lua scripts). */
export function budgetAllowed(firstAttempts: number, ratio: number, minRetries: number): number {
  return Math.floor(ratio * firstAttempts + 1e-9) + minRetries;
}
