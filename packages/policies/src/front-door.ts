// The intake routes' limiter: per API key and per tenant, a classic token bucket each (bursts up
// to the whole limit are fine here; this is our own door, not a partner's). Both buckets are
// checked and charged together. When Redis is unreachable the check falls back to an in-process
// bucket with the same limits, bounded in keys, so the API keeps answering (see README).
import { BackendUnavailableError, type BucketSpec, type PolicyBackend } from './backend.js';
import type { Clock } from './clock.js';
import { quotaBucket } from './limits.js';
import { MemoryBackend } from './memory-backend.js';
import type { RateLimit } from './policy.js';

export interface FrontDoorOptions {
  backend: PolicyBackend;
  perKey?: RateLimit;
  perTenant?: RateLimit;
  /** Keys the local fallback remembers at most. Default 10,000. */
  fallbackMaxKeys?: number;
  clock?: Pick<Clock, 'now'>;
  onFallback?: (error: Error) => void;
}

export interface FrontDoorDecision {
  allowed: boolean;
  /** The binding bucket's size (RateLimit-Limit). */
  limit: number;
  remaining: number;
  /** Seconds until the binding bucket is full again (RateLimit-Reset). */
  resetSec: number;
  /** Seconds to wait before trying again; 0 when allowed (Retry-After). */
  retryAfterSec: number;
  /** 'fallback' while Redis is unreachable. */
  source: 'backend' | 'fallback';
}

export interface FrontDoorLimiter {
  check(keyId: string, tenantId?: string): Promise<FrontDoorDecision>;
}

/** The response headers of a decision; Retry-After only on a refusal. */
export function frontDoorHeaders(decision: FrontDoorDecision): Record<string, string> {
  return {
    'RateLimit-Limit': String(decision.limit),
    'RateLimit-Remaining': String(decision.remaining),
    'RateLimit-Reset': String(decision.resetSec),
    ...(decision.allowed ? {} : { 'Retry-After': String(decision.retryAfterSec) }),
  };
}

export function createFrontDoorLimiter(options: FrontDoorOptions): FrontDoorLimiter {
  const fallback = new MemoryBackend({
    maxKeys: options.fallbackMaxKeys ?? 10_000,
    ...(options.clock ? { clock: options.clock } : {}),
  });

  // A key's buckets are the same on every request it makes: built once per key and tenant pair,
  // and forgotten all at once when too many pairs were seen.
  const plans = new Map<string, { buckets: BucketSpec[]; limits: number[] }>();
  const planFor = (keyId: string, tenantId: string | undefined) => {
    const id = tenantId === undefined ? keyId : `${keyId}\n${tenantId}`;
    let plan = plans.get(id);
    if (plan) return plan;
    plan = { buckets: [], limits: [] };
    if (options.perKey) {
      plan.buckets.push(quotaBucket(`fk:${encodeURIComponent(keyId)}`, options.perKey));
      plan.limits.push(Math.max(1, Math.floor(options.perKey.requests)));
    }
    if (options.perTenant && tenantId !== undefined) {
      plan.buckets.push(quotaBucket(`ft:${encodeURIComponent(tenantId)}`, options.perTenant));
      plan.limits.push(Math.max(1, Math.floor(options.perTenant.requests)));
    }
    if (plans.size >= (options.fallbackMaxKeys ?? 10_000)) plans.clear();
    plans.set(id, plan);
    return plan;
  };

  const check = async (keyId: string, tenantId?: string): Promise<FrontDoorDecision> => {
    const { buckets, limits } = planFor(keyId, tenantId);
    if (buckets.length === 0) {
      return {
        allowed: true,
        limit: 0,
        remaining: 0,
        resetSec: 0,
        retryAfterSec: 0,
        source: 'backend',
      };
    }
    let source: FrontDoorDecision['source'] = 'backend';
    let result;
    try {
      result = await options.backend.acquire({ buckets, pauses: [], slots: [] });
    } catch (error) {
      if (!(error instanceof BackendUnavailableError)) throw error;
      options.onFallback?.(error);
      source = 'fallback';
      result = await fallback.acquire({ buckets, pauses: [], slots: [] });
    }
    // The binding bucket is the one with the fewest tokens left (ties: the smaller limit).
    let binding = 0;
    result.buckets.forEach((state, i) => {
      const best = result.buckets[binding];
      if (!best) return;
      if (
        state.remaining < best.remaining ||
        (state.remaining === best.remaining && (limits[i] ?? 0) < (limits[binding] ?? 0))
      ) {
        binding = i;
      }
    });
    const state = result.buckets[binding] ?? { remaining: 0, resetMs: 0 };
    return {
      allowed: result.granted,
      limit: limits[binding] ?? 0,
      remaining: state.remaining,
      resetSec: Math.ceil(state.resetMs / 1000),
      retryAfterSec: result.granted ? 0 : Math.max(1, Math.ceil(result.waitMs / 1000)),
      source,
    };
  };

  return { check };
}
