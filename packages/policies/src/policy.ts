// The contract between the engine's egress bridge and the traffic policies. The engine calls
// `acquire` before every partner request and `release` after it, then asks `retryDelay` whether and
// when to try again. Everything else in this package implements these few types.
import type { Limits } from '@plugboard/definition';

/** A rate as a definition declares it: at most `requests` per `perMs` milliseconds. */
export interface RateLimit {
  requests: number;
  perMs: number;
}

/** The definition's `limits` (generated from connector.schema.json), read by every policy. */
export type { Limits };

/**
 * An installation's quotas, set by its tenant. They only tighten: each effective limit is the
 * minimum of the quota and the connector's declared limit.
 */
export interface TenantQuotas {
  /** Tenant-wide rate across all of the tenant's installations (the `tenant` layer). */
  tenantRate?: RateLimit;
  /** This installation's rate (the `installation` layer), never looser than `limits.rate`. */
  rate?: RateLimit;
  /** Per endpoint of this installation, never looser than `limits.endpoints.NAME.rate`. */
  endpoints?: Record<string, { rate?: RateLimit } | undefined>;
  /** Calls in flight for this installation, never more than `limits.concurrency`. */
  concurrency?: number;
}

export interface CallContext {
  tenantId?: string;
  installationId?: string;
  connectorId: string;
  connectorVersion?: string;
  /** The partner host the request goes to (lower case, no port unless non-default). */
  host: string;
  /** The http node's `endpoint` name, for per-endpoint limits. */
  endpoint?: string;
  /**
   * The request's rate key, rendered from `limits.endpoints.NAME.rate.key` (Slack: the channel):
   * each value has its own endpoint buckets.
   */
  rateKey?: string;
  /** 1 for the first attempt of a call, 2 for its first retry, and so on. */
  attempt: number;
  /** The definition's `limits`. */
  limits?: Limits;
  quotas?: TenantQuotas;
}

export interface CallOutcome {
  class: 'success' | 'transient' | 'permanent';
  status?: number;
  /** Already parsed from `Retry-After` by the caller; otherwise the policy reads `headers`. */
  retryAfterMs?: number;
  /** Response headers (any case); `Retry-After`, `RateLimit-*` and `X-RateLimit-*` are read. */
  headers?: Record<string, string>;
}

export interface Permit {
  /** Returns the concurrency slots and feeds the partner's answer back into the limits. Never throws. */
  release(outcome: CallOutcome): Promise<void>;
}

export interface EgressPolicy {
  /**
   * Waits for a token of every rate layer and a concurrency slot, taken together or not at all.
   * Throws PolicyError `RATE_LIMITED` (with `retryAfterMs`) after the bounded wait: re-queue the item.
   */
  acquire(ctx: CallContext): Promise<Permit>;
  /**
   * Milliseconds to wait before the next attempt, or null when the call must not be retried
   * (success, permanent, attempts used up). Throws PolicyError `RETRY_BUDGET_EXHAUSTED` when the
   * installation's retry budget is spent.
   */
  retryDelay(ctx: CallContext, outcome: CallOutcome): Promise<number | null>;
}

export type PolicyErrorCode =
  'RATE_LIMITED' | 'RETRY_BUDGET_EXHAUSTED' | 'POLICY_BACKEND_UNAVAILABLE';

/**
 * Every code is transient: the item goes back to the queue and is retried later or replayed.
 * `POLICY_BACKEND_UNAVAILABLE` (Redis unreachable in cluster mode) has no run error code of its own;
 * callers report it as `RATE_LIMITED` (see `runErrorCode`).
 */
export class PolicyError extends Error {
  override readonly name = 'PolicyError';
  readonly class = 'transient' as const;

  constructor(
    readonly code: PolicyErrorCode,
    message: string,
    readonly retryAfterMs?: number,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }

  /** The run error code (DESIGN.md's enum) a run that ends with this error reports. */
  get runErrorCode(): 'RATE_LIMITED' | 'RETRY_BUDGET_EXHAUSTED' {
    return this.code === 'RETRY_BUDGET_EXHAUSTED' ? 'RETRY_BUDGET_EXHAUSTED' : 'RATE_LIMITED';
  }

  toJSON(): { code: PolicyErrorCode; message: string; details?: Record<string, unknown> } {
    const details = {
      ...this.details,
      ...(this.retryAfterMs === undefined ? {} : { retryAfterMs: this.retryAfterMs }),
    };
    return {
      code: this.code,
      message: this.message,
      ...(Object.keys(details).length > 0 ? { details } : {}),
    };
  }
}

export function isPolicyError(error: unknown): error is PolicyError {
  return error instanceof PolicyError;
}

const noopPermit: Permit = { release: () => Promise.resolve() };

/** No limits, never retries: the engine's default when no policy is configured. */
export const passThroughPolicy: EgressPolicy = {
  acquire: () => Promise.resolve(noopPermit),
  retryDelay: () => Promise.resolve(null),
};
