// Turns a call's context into the buckets, pauses and slot sets it must pass, in DESIGN.md's
// order: tenant quota -> installation -> endpoint -> partner-wide (connector and host), then
// concurrency. Keys are logical; a backend adds its own prefix.
import type { BucketSpec, SlotSpec, WindowSpec } from './backend.js';
import type { CallContext, Limits, RateLimit } from './policy.js';

export type LayerName = 'tenant' | 'installation' | 'endpoint' | 'partner' | 'partner-endpoint';

export interface Layer {
  layer: LayerName;
  /** The effective limit of this layer (after tightening by quotas). */
  limit: RateLimit;
  bucket: BucketSpec;
}

export interface SlotLayer {
  scope: 'installation' | 'endpoint' | 'partner';
  slot: SlotSpec;
}

export interface RetrySettings {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  budgetRatio: number;
  /** The definition's explicit delay per attempt (`limits.retry.scheduleMs`), instead of backoff. */
  scheduleMs?: number[];
}

export const DEFAULT_RETRY: RetrySettings = {
  maxAttempts: 5,
  baseDelayMs: 200,
  maxDelayMs: 30_000,
  budgetRatio: 0.1,
};

export interface PlanOptions {
  /** Applied when the installation's quotas leave a layer open. */
  defaults: {
    tenantRate?: RateLimit;
    installationRate?: RateLimit;
    installationConcurrency?: number;
    /** Calls in flight per connector and host across every tenant. */
    partnerConcurrency?: number;
  };
  /**
   * Share of the declared limit the partner layers keep free for clock skew and network jitter
   * between our decision and the partner's count. Default 0.03.
   */
  safetyMargin: number;
  /** Burst allowed by partner layers, as a share of the declared requests. Default 0.02. */
  partnerBurstRatio: number;
  retry: RetrySettings;
  budgetWindowMs: number;
  budgetBucketMs: number;
}

export interface CallPlan {
  layers: Layer[];
  pauses: string[];
  /** Where a 429 or an exhausted partner quota pauses: the installation's key, else the partner's. */
  pauseKey: string;
  slots: SlotLayer[];
  budget: WindowSpec;
  backoffKey: string;
  successKey?: string;
  retry: RetrySettings;
  /** Calls with the same signature wait in one local queue, first come first served. */
  signature: string;
}

function valid(rate: RateLimit | undefined): rate is RateLimit {
  return rate !== undefined && rate.requests > 0 && rate.perMs > 0;
}

/** A declared rate is one window or a list of windows, all enforced (`limits.rate`). */
export function rateWindows(rate: RateLimit | RateLimit[] | undefined): RateLimit[] {
  if (rate === undefined) return [];
  return (Array.isArray(rate) ? rate : [rate]).filter(valid);
}

/** The tightest window by average, for a quota to tighten against. */
function tightest(rate: RateLimit | RateLimit[] | undefined): RateLimit | undefined {
  return rateWindows(rate).reduce<RateLimit | undefined>((a, b) => tighter(a, b), undefined);
}

/**
 * The tighter of two rates by their average (requests per ms); a quota can only tighten the
 * declared limit. Burst differences do not matter: the partner layer still holds the declared rate.
 */
export function tighter(a: RateLimit | undefined, b: RateLimit | undefined): RateLimit | undefined {
  if (!valid(a)) return valid(b) ? b : undefined;
  if (!valid(b)) return a;
  return b.requests / b.perMs < a.requests / a.perMs ? b : a;
}

function minDefined(...values: Array<number | undefined>): number | undefined {
  const defined = values.filter((v): v is number => v !== undefined && v > 0);
  return defined.length === 0 ? undefined : Math.min(...defined);
}

/** Our own quotas: a classic token bucket, burst of the whole quota, refilled evenly. */
export function quotaBucket(key: string, rate: RateLimit): BucketSpec {
  const requests = Math.max(1, Math.floor(rate.requests));
  return { key, intervalMs: rate.perMs / requests, burst: requests };
}

/**
 * A partner's declared limit. A bucket of burst B refilled at N per W admits N + B - 1 requests in
 * some window of W, which a partner counting a sliding window answers with 429. So the interval is
 * stretched to W (1 + margin) / (N - B + 1): at most N in any window, whatever the partner counts,
 * with W x margin of slack per window for jitter between our decision and the partner's clock.
 */
export function partnerBucket(
  key: string,
  rate: RateLimit,
  burstRatio: number,
  margin: number,
): BucketSpec {
  const requests = Math.max(1, Math.floor(rate.requests));
  const burst = Math.max(1, Math.min(requests, Math.floor(requests * burstRatio)));
  return { key, intervalMs: (rate.perMs * (1 + margin)) / (requests - burst + 1), burst };
}

export function retrySettings(limits: Limits | undefined, defaults: RetrySettings): RetrySettings {
  const declared = limits?.retry ?? {};
  const schedule = declared.scheduleMs;
  return {
    maxAttempts: declared.maxAttempts ?? schedule?.length ?? defaults.maxAttempts,
    baseDelayMs: declared.baseDelayMs ?? defaults.baseDelayMs,
    maxDelayMs: declared.maxDelayMs ?? defaults.maxDelayMs,
    budgetRatio: declared.budgetRatio ?? defaults.budgetRatio,
    ...(schedule === undefined || schedule.length === 0 ? {} : { scheduleMs: schedule }),
  };
}

const part = (value: string) => encodeURIComponent(value);

export function planCall(ctx: Omit<CallContext, 'attempt'>, options: PlanOptions): CallPlan {
  const limits = ctx.limits ?? {};
  const quotas = ctx.quotas ?? {};
  const partner = `${part(ctx.connectorId)}:${part(ctx.host)}`;
  const installation = ctx.installationId === undefined ? undefined : part(ctx.installationId);
  const endpoint = ctx.endpoint === undefined ? undefined : part(ctx.endpoint);
  const declaredEndpoint =
    ctx.endpoint === undefined ? undefined : limits.endpoints?.[ctx.endpoint];
  const layers: Layer[] = [];

  const tenantRate = quotas.tenantRate ?? options.defaults.tenantRate;
  if (ctx.tenantId !== undefined && valid(tenantRate)) {
    layers.push({
      layer: 'tenant',
      limit: tenantRate,
      bucket: quotaBucket(`rt:${part(ctx.tenantId)}`, tenantRate),
    });
  }
  const quotaRate = quotas.rate ?? options.defaults.installationRate;
  const installationRate = valid(quotaRate) ? tighter(quotaRate, tightest(limits.rate)) : undefined;
  if (installation !== undefined && installationRate) {
    layers.push({
      layer: 'installation',
      limit: installationRate,
      bucket: quotaBucket(`ri:${installation}`, installationRate),
    });
  }
  const endpointQuota =
    ctx.endpoint === undefined ? undefined : quotas.endpoints?.[ctx.endpoint]?.rate;
  const endpointRate = valid(endpointQuota)
    ? tighter(endpointQuota, tightest(declaredEndpoint?.rate))
    : undefined;
  if (installation !== undefined && endpoint !== undefined && endpointRate) {
    layers.push({
      layer: 'endpoint',
      limit: endpointRate,
      bucket: quotaBucket(`re:${installation}:${endpoint}`, endpointRate),
    });
  }
  // Every declared window is a layer of its own; the first keeps the single-window key, so a
  // definition that adds a window keeps its existing bucket.
  const windowKey = (key: string, rate: RateLimit, i: number) =>
    i === 0 ? key : `${key}:w${rate.perMs}`;
  rateWindows(limits.rate).forEach((rate, i) => {
    layers.push({
      layer: 'partner',
      limit: { requests: rate.requests, perMs: rate.perMs },
      bucket: partnerBucket(
        windowKey(`rp:${partner}`, rate, i),
        rate,
        options.partnerBurstRatio,
        options.safetyMargin,
      ),
    });
  });
  if (endpoint !== undefined) {
    // A rate key (Slack: per channel) gives each value its own endpoint buckets.
    const keyed =
      ctx.rateKey === undefined
        ? `rpe:${partner}:${endpoint}`
        : `rpe:${partner}:${endpoint}:k:${part(ctx.rateKey)}`;
    rateWindows(declaredEndpoint?.rate).forEach((rate, i) => {
      layers.push({
        layer: 'partner-endpoint',
        limit: { requests: rate.requests, perMs: rate.perMs },
        bucket: partnerBucket(
          windowKey(keyed, rate, i),
          rate,
          options.partnerBurstRatio,
          options.safetyMargin,
        ),
      });
    });
  }

  // Declared concurrency is per installation (the definition's `limits.concurrency` and
  // `limits.endpoints.NAME.concurrency`); the partner-wide cap is the runtime's to set.
  const owner = installation === undefined ? `p:${partner}` : `i:${installation}`;
  const slots: SlotLayer[] = [];
  const installationCap = minDefined(
    limits.concurrency,
    quotas.concurrency,
    options.defaults.installationConcurrency,
  );
  if (installationCap !== undefined) {
    slots.push({ scope: 'installation', slot: { key: `ci:${owner}`, limit: installationCap } });
  }
  const endpointCap = minDefined(declaredEndpoint?.concurrency);
  if (endpoint !== undefined && endpointCap !== undefined) {
    slots.push({ scope: 'endpoint', slot: { key: `ce:${owner}:${endpoint}`, limit: endpointCap } });
  }
  const partnerCap = minDefined(options.defaults.partnerConcurrency);
  if (partnerCap !== undefined) {
    slots.push({ scope: 'partner', slot: { key: `cp:${partner}`, limit: partnerCap } });
  }

  const partnerPause = `pp:${partner}`;
  const installationPause =
    installation === undefined ? undefined : `pi:${installation}:${part(ctx.host)}`;
  const plan: CallPlan = {
    layers,
    pauses: installationPause === undefined ? [partnerPause] : [partnerPause, installationPause],
    pauseKey: installationPause ?? partnerPause,
    slots,
    budget: {
      key: `b:${owner}`,
      windowMs: options.budgetWindowMs,
      bucketMs: options.budgetBucketMs,
    },
    backoffKey: `bo:${owner}`,
    retry: retrySettings(ctx.limits, options.retry),
    signature: '',
  };
  if (installation !== undefined) plan.successKey = `ok:${installation}`;
  plan.signature = [
    ...layers.map((layer) => layer.bucket.key),
    ...plan.pauses,
    ...slots.map((slot) => slot.slot.key),
  ].join('|');
  return plan;
}
