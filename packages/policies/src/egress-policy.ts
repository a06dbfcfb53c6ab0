import { randomUUID } from 'node:crypto';
import { BackendUnavailableError, type AcquireResult, type PolicyBackend } from './backend.js';
import { systemClock, type Clock } from './clock.js';
import { readPartnerQuota, retryAfterFromHeaders } from './headers.js';
import {
  DEFAULT_RETRY,
  planCall,
  type CallPlan,
  type LayerName,
  type PlanOptions,
  type RetrySettings,
} from './limits.js';
import {
  PolicyError,
  type CallContext,
  type CallOutcome,
  type EgressPolicy,
  type Permit,
  type RateLimit,
} from './policy.js';

/** What the policy reports for metrics (waits, retries, budget exhaustion, 429s) and logs. */
export type PolicyEvent =
  | {
      type: 'waited';
      ctx: CallContext;
      ms: number;
      blockedBy: 'rate' | 'pause' | 'concurrency';
      layer?: string;
    }
  | {
      type: 'rate-limited';
      ctx: CallContext;
      retryAfterMs: number;
      blockedBy: 'rate' | 'pause' | 'concurrency';
      layer?: string;
    }
  | { type: 'retry'; ctx: CallContext; delayMs: number; budgetLeft: number }
  | { type: 'retry-budget-exhausted'; ctx: CallContext }
  | { type: 'partner-throttled'; ctx: CallContext; status?: number; pauseMs: number }
  | { type: 'backend-unavailable'; ctx: CallContext; error: Error };

export interface EgressPolicyOptions {
  /** MemoryBackend in embedded mode, RedisBackend in cluster mode. */
  backend: PolicyBackend;
  /** Used for the local waits (the backend keeps its own clock). */
  clock?: Clock;
  /** Math.random by default; tests pin it to check the jitter bounds. */
  random?: () => number;
  /** Longest `acquire` waits for tokens and slots before `RATE_LIMITED`. Default 10 s. */
  maxWaitMs?: number;
  /** A concurrency lease lives this long unless renewed; the bound on a dead process's slots. Default 30 s. */
  leaseMs?: number;
  /** A permit never released stops being renewed after this long, so its slot comes back. Default 10 min. */
  maxHoldMs?: number;
  /** How often a caller waiting only for a slot held elsewhere looks again. Default 25 ms. */
  slotPollMs?: number;
  /**
   * A token due within this many ms is reserved and slept on, so waiters that wake late keep
   * the partner's full rate. Default 20 ms.
   */
  lookaheadMs?: number;
  /** Runtime defaults for what quotas and definitions leave open. */
  defaults?: PlanOptions['defaults'];
  /** Runtime defaults for `limits.retry`. */
  retry?: Partial<RetrySettings>;
  /** Retry budget window. Default 60 s in 5 s sub-windows. */
  budgetWindowMs?: number;
  budgetBucketMs?: number;
  /** Retries every installation may make per window whatever its traffic. Default 3. */
  minRetriesPerWindow?: number;
  /** A Retry-After longer than this is not slept on: the item is re-queued. Default 60 s. */
  maxRetryAfterMs?: number;
  /** Pause after a 429 without Retry-After. Default 1 s. */
  defaultThrottlePauseMs?: number;
  safetyMargin?: number;
  partnerBurstRatio?: number;
  onEvent?: (event: PolicyEvent) => void;
}

export interface LayerState {
  layer: LayerName;
  limit: RateLimit;
  remaining: number;
  /** Milliseconds until the layer's bucket is full again. */
  resetMs: number;
}

export interface PolicyState {
  installationId: string;
  at: string;
  layers: LayerState[];
  /** When a 429 or the partner's exhausted quota pauses calls, until when (ISO), else null. */
  pausedUntil: string | null;
  backoff: { attempt: number; until: string } | null;
  retryBudget: {
    windowMs: number;
    firstAttempts: number;
    retries: number;
    allowed: number;
    left: number;
  };
  concurrency: Array<{
    scope: 'installation' | 'endpoint' | 'partner';
    limit: number;
    inUse: number;
  }>;
  lastSuccessAt: string | null;
}

export interface Policy extends EgressPolicy {
  /** Everything `GET /v1/installations/:id/health` shows about traffic control. */
  state(
    installationId: string,
    ctx: Omit<CallContext, 'attempt' | 'installationId'>,
  ): Promise<PolicyState>;
  readonly backend: PolicyBackend;
}

/** One FIFO queue per signature, so callers with the same limits are served in arrival order. */
class LocalQueues {
  private readonly tails = new Map<string, Promise<void>>();
  readonly hints = new Map<string, number>();

  /** Resolves to a release function once earlier callers are done, or to null at the deadline. */
  async enter(key: string, timeoutMs: number): Promise<(() => void) | null> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let leave!: () => void;
    const mine = new Promise<void>((resolve) => (leave = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    const done = () => {
      leave();
      if (this.tails.get(key) === tail) {
        this.tails.delete(key);
        this.hints.delete(key);
      }
    };
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<false>(
      (resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)),
    );
    const turn = await Promise.race([previous.then(() => true as const), expired]);
    clearTimeout(timer);
    if (turn) return done;
    // Keep the chain intact: our turn passes straight on to whoever queued behind us.
    void previous.then(done);
    return null;
  }
}

export function createEgressPolicy(options: EgressPolicyOptions): Policy {
  const backend = options.backend;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const maxWaitMs = options.maxWaitMs ?? 10_000;
  const leaseMs = options.leaseMs ?? 30_000;
  const maxHoldMs = options.maxHoldMs ?? 600_000;
  const slotPollMs = options.slotPollMs ?? 25;
  const lookaheadMs = options.lookaheadMs ?? 20;
  const minRetries = options.minRetriesPerWindow ?? 3;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000;
  const throttlePauseMs = options.defaultThrottlePauseMs ?? 1000;
  const emit = options.onEvent ?? (() => undefined);
  const planOptions: PlanOptions = {
    defaults: options.defaults ?? {},
    safetyMargin: options.safetyMargin ?? 0.03,
    partnerBurstRatio: options.partnerBurstRatio ?? 0.02,
    retry: { ...DEFAULT_RETRY, ...options.retry },
    budgetWindowMs: options.budgetWindowMs ?? 60_000,
    budgetBucketMs: options.budgetBucketMs ?? 5_000,
  };
  const queues = new LocalQueues();
  // Callers waiting for a slot wake as soon as a permit of this process is released.
  const slotWaiters = new Set<() => void>();

  const unavailable = (ctx: CallContext, error: unknown): PolicyError => {
    const cause = error instanceof Error ? error : new Error(String(error));
    emit({ type: 'backend-unavailable', ctx, error: cause });
    return new PolicyError(
      'POLICY_BACKEND_UNAVAILABLE',
      `The rate-limit store is unreachable (${cause.message}); the call was not made and can be retried.`,
      1000,
    );
  };

  const layerName = (
    plan: CallPlan,
    result: AcquireResult & { granted: false },
  ): string | undefined => {
    switch (result.blockedBy) {
      case 'rate':
        return plan.layers[result.index]?.layer;
      case 'pause':
        return 'pause';
      case 'concurrency':
        return plan.slots[result.index]?.scope;
    }
  };

  const sleepOrSlot = (ms: number, wakeOnSlot: boolean): Promise<void> => {
    if (!wakeOnSlot) return clock.sleep(ms);
    return new Promise<void>((resolve) => {
      let settled = false;
      const wake = () => {
        if (settled) return;
        settled = true;
        slotWaiters.delete(wake);
        resolve();
      };
      slotWaiters.add(wake);
      void clock.sleep(ms).then(wake);
    });
  };

  const rateLimited = (
    ctx: CallContext,
    retryAfterMs: number,
    blockedBy: 'rate' | 'pause' | 'concurrency',
    layer?: string,
  ) => {
    emit({ type: 'rate-limited', ctx, retryAfterMs, blockedBy, ...(layer ? { layer } : {}) });
    return new PolicyError(
      'RATE_LIMITED',
      `No capacity for ${ctx.connectorId} at ${ctx.host} within ${maxWaitMs} ms (${layer ?? blockedBy}); re-queue the item.`,
      Math.max(1, Math.ceil(retryAfterMs)),
      { blockedBy, ...(layer ? { layer } : {}) },
    );
  };

  const makePermit = (ctx: CallContext, plan: CallPlan, leaseId: string): Permit => {
    const slotKeys = plan.slots.map((slot) => slot.slot.key);
    let released = false;
    let renewer: NodeJS.Timeout | undefined;
    if (slotKeys.length > 0) {
      const started = clock.now();
      renewer = setInterval(
        () => {
          if (clock.now() - started > maxHoldMs) {
            clearInterval(renewer);
            return;
          }
          backend.renew(slotKeys, leaseId, leaseMs).catch(() => undefined);
        },
        Math.max(10, Math.floor(leaseMs / 3)),
      );
      renewer.unref();
    }
    return {
      release: async (outcome: CallOutcome) => {
        if (released) return;
        released = true;
        clearInterval(renewer);
        const pauseMs = throttlePause(outcome);
        if (pauseMs > 0)
          emit({
            type: 'partner-throttled',
            ctx,
            pauseMs,
            ...(outcome.status === undefined ? {} : { status: outcome.status }),
          });
        try {
          await backend.release({
            slots: slotKeys,
            leaseId,
            ...(pauseMs > 0 ? { pause: { keys: [plan.pauseKey], forMs: pauseMs } } : {}),
            ...(outcome.class === 'success' && plan.successKey !== undefined
              ? { successKey: plan.successKey }
              : {}),
          });
        } catch (error) {
          // The lease expires on its own; release must not fail a call that already happened.
          emit({
            type: 'backend-unavailable',
            ctx,
            error: error instanceof Error ? error : new Error(String(error)),
          });
        } finally {
          for (const wake of [...slotWaiters]) wake();
        }
      },
    };
  };

  /** How long the partner asked us to hold off, from a 429 and from its quota headers. */
  const throttlePause = (outcome: CallOutcome): number => {
    const now = Date.now();
    const retryAfter = outcome.retryAfterMs ?? retryAfterFromHeaders(outcome.headers, now);
    let pause = 0;
    if (outcome.status === 429) pause = retryAfter ?? throttlePauseMs;
    else if (outcome.status === 503 && retryAfter !== undefined) pause = retryAfter;
    const quota = readPartnerQuota(outcome.headers, now);
    if (quota.remaining !== undefined && quota.resetMs !== undefined) {
      if (quota.remaining <= 0) pause = Math.max(pause, quota.resetMs);
      else if (quota.remaining <= Math.max(5, (quota.limit ?? 0) * 0.1)) {
        // Nearly out: spread what is left over the rest of the partner's window.
        pause = Math.max(pause, quota.resetMs / (quota.remaining + 1));
      }
    }
    return pause;
  };

  const acquire = async (ctx: CallContext): Promise<Permit> => {
    const plan = planCall(ctx, planOptions);
    const started = clock.now();
    const deadline = started + maxWaitMs;
    const leave = await queues.enter(plan.signature, maxWaitMs);
    if (!leave) {
      throw rateLimited(ctx, queues.hints.get(plan.signature) ?? maxWaitMs, 'rate', 'queue');
    }
    try {
      const leaseId = randomUUID();
      const partnerLayers = plan.layers.filter(
        (layer) => layer.layer === 'partner' || layer.layer === 'partner-endpoint',
      );
      const partnerKeys = partnerLayers.map((layer) => layer.bucket.key);
      // Half the safety margin absorbs a late wake-up; only lateness beyond it moves the schedule.
      const lateToleranceMs = Math.min(
        ...partnerLayers.map((layer) => (layer.limit.perMs * planOptions.safetyMargin) / 2),
      );
      let blockedBy: 'rate' | 'pause' | 'concurrency' | undefined;
      let blockedLayer: string | undefined;
      for (;;) {
        let result: AcquireResult;
        try {
          result = await backend.acquire({
            buckets: plan.layers.map((layer) => layer.bucket),
            pauses: plan.pauses,
            slots: plan.slots.map((slot) => slot.slot),
            lease: { id: leaseId, ttlMs: leaseMs },
            slotPollMs,
            lookaheadMs,
            ...(ctx.attempt <= 1 ? { countFirstAttempt: plan.budget } : {}),
          });
        } catch (error) {
          if (error instanceof BackendUnavailableError) throw unavailable(ctx, error);
          throw error;
        }
        if (result.granted) {
          if (result.delayMs > 0) {
            const due = clock.now() + result.delayMs;
            await clock.sleep(result.delayMs);
            // Woke very late: move the partner schedule by the excess, so the calls after this
            // one keep their distance from it and the partner's window still holds.
            const late = clock.now() - due - lateToleranceMs;
            if (late > 0 && partnerKeys.length > 0) {
              await backend.shift(partnerKeys, late).catch(() => undefined);
            }
          }
          const waited = clock.now() - started;
          if (blockedBy !== undefined && waited > 0) {
            emit({
              type: 'waited',
              ctx,
              ms: waited,
              blockedBy,
              ...(blockedLayer ? { layer: blockedLayer } : {}),
            });
          }
          return makePermit(ctx, plan, leaseId);
        }
        const layer = layerName(plan, result);
        blockedBy = result.blockedBy;
        blockedLayer = layer;
        queues.hints.set(plan.signature, result.waitMs);
        const left = deadline - clock.now();
        if (result.waitMs > left) throw rateLimited(ctx, result.waitMs, result.blockedBy, layer);
        // Wake inside the lookahead, so the next look finds the token reservable.
        const sleepMs =
          result.blockedBy === 'concurrency'
            ? result.waitMs
            : Math.max(1, result.waitMs - lookaheadMs / 2);
        await sleepOrSlot(sleepMs, result.blockedBy === 'concurrency');
      }
    } finally {
      leave();
    }
  };

  const retryDelay = async (ctx: CallContext, outcome: CallOutcome): Promise<number | null> => {
    if (outcome.class !== 'transient') return null;
    const plan = planCall(ctx, planOptions);
    const retry = plan.retry;
    if (ctx.attempt >= retry.maxAttempts) return null;
    const retryAfter = outcome.retryAfterMs ?? retryAfterFromHeaders(outcome.headers, Date.now());
    if (retryAfter !== undefined && retryAfter > maxRetryAfterMs) {
      throw new PolicyError(
        'RATE_LIMITED',
        `The partner asked to wait ${Math.ceil(retryAfter / 1000)} s; re-queue the item instead of holding it.`,
        retryAfter,
      );
    }
    const delayMs = Math.max(backoffDelay(ctx.attempt, retry, random), retryAfter ?? 0);
    let budget;
    try {
      budget = await backend.tryRetry({
        window: plan.budget,
        ratio: retry.budgetRatio,
        minRetries,
        backoff: { key: plan.backoffKey, delayMs, attempt: ctx.attempt },
      });
    } catch (error) {
      if (error instanceof BackendUnavailableError) throw unavailable(ctx, error);
      throw error;
    }
    if (!budget.granted) {
      emit({ type: 'retry-budget-exhausted', ctx });
      throw new PolicyError(
        'RETRY_BUDGET_EXHAUSTED',
        `The retry budget of ${ctx.installationId ?? ctx.connectorId} is spent (${budget.retries} retries for ${budget.firstAttempts} first attempts in ${plan.budget.windowMs / 1000} s); the item failed fast and can be replayed.`,
        plan.budget.bucketMs,
        {
          firstAttempts: budget.firstAttempts,
          retries: budget.retries,
          budgetRatio: retry.budgetRatio,
        },
      );
    }
    if (retry.scheduleMs !== undefined && delayMs > maxRetryAfterMs) {
      // A scheduled wait of minutes or hours (Svix-style) is not held in process: re-queue.
      throw new PolicyError(
        'RATE_LIMITED',
        `The retry schedule waits ${Math.ceil(delayMs / 1000)} s before attempt ${ctx.attempt + 1}; re-queue the item with that delay.`,
        delayMs,
        { retrySchedule: true, nextAttempt: ctx.attempt + 1 },
      );
    }
    emit({ type: 'retry', ctx, delayMs, budgetLeft: budget.left });
    return delayMs;
  };

  const state = async (
    installationId: string,
    ctx: Omit<CallContext, 'attempt' | 'installationId'>,
  ): Promise<PolicyState> => {
    const plan = planCall({ ...ctx, installationId }, planOptions);
    const inspection = await backend.inspect({
      buckets: plan.layers.map((layer) => layer.bucket),
      pauses: plan.pauses,
      slots: plan.slots.map((slot) => slot.slot.key),
      budget: { window: plan.budget, ratio: plan.retry.budgetRatio, minRetries },
      backoffKey: plan.backoffKey,
      ...(plan.successKey === undefined ? {} : { successKey: plan.successKey }),
    });
    const iso = (ms: number) => new Date(ms).toISOString();
    const pausedUntil = Math.max(0, ...inspection.pauses);
    const budget = inspection.budget ?? {
      firstAttempts: 0,
      retries: 0,
      allowed: minRetries,
      left: minRetries,
    };
    return {
      installationId,
      at: iso(inspection.nowMs),
      layers: plan.layers.map((layer, i) => ({
        layer: layer.layer,
        limit: layer.limit,
        remaining: inspection.buckets[i]?.remaining ?? 0,
        resetMs: inspection.buckets[i]?.resetMs ?? 0,
      })),
      pausedUntil: pausedUntil > 0 ? iso(pausedUntil) : null,
      backoff: inspection.backoff
        ? { attempt: inspection.backoff.attempt, until: iso(inspection.backoff.untilMs) }
        : null,
      retryBudget: { windowMs: plan.budget.windowMs, ...budget },
      concurrency: plan.slots.map((slot, i) => ({
        scope: slot.scope,
        limit: slot.slot.limit,
        inUse: inspection.slots[i] ?? 0,
      })),
      lastSuccessAt: inspection.lastSuccessMs === undefined ? null : iso(inspection.lastSuccessMs),
    };
  };

  return { acquire, retryDelay, state, backend };
}

/**
 * Full jitter: uniform in [0, min(cap, base x 2^(attempt - 1))]. With an explicit `scheduleMs`,
 * its entry for the next attempt (the last entry past its end) within ±10%, not capped.
 */
export function backoffDelay(
  attempt: number,
  retry: RetrySettings,
  random: () => number = Math.random,
): number {
  const schedule = retry.scheduleMs;
  if (schedule !== undefined && schedule.length > 0) {
    const planned = schedule[Math.min(attempt, schedule.length - 1)] ?? 0;
    return Math.round(planned * (0.9 + 0.2 * random()));
  }
  const ceiling = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}
