import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from './clock.js';
import {
  backoffDelay,
  createEgressPolicy,
  type EgressPolicyOptions,
  type PolicyEvent,
} from './egress-policy.js';
import { DEFAULT_RETRY, planCall, type PlanOptions } from './limits.js';
import { MemoryBackend } from './memory-backend.js';
import { PolicyError, type CallContext } from './policy.js';
import { callWithPolicy, fetchPartner, runCalls } from './testing/driver.js';
import {
  startFakePartner,
  type FakePartner,
  type FakePartnerOptions,
} from './testing/fake-partner.js';

const partners: FakePartner[] = [];
afterEach(async () => {
  await Promise.all(partners.splice(0).map((partner) => partner.close()));
});

async function partner(options: FakePartnerOptions = {}): Promise<FakePartner> {
  const started = await startFakePartner(options);
  partners.push(started);
  return started;
}

function policy(options: Partial<EgressPolicyOptions> = {}) {
  return createEgressPolicy({ backend: new MemoryBackend(), ...options });
}

const base = {
  connectorId: 'acme',
  host: '127.0.0.1',
  installationId: 'inst-1',
  tenantId: 'tenant-1',
};

describe('rate limits at egress', () => {
  it('keeps a 10 req/s partner at or under its limit in every 1 s window, at >= 90% throughput', async () => {
    const fake = await partner({ limit: { requests: 10, perMs: 1000 } });
    const egress = policy({ maxWaitMs: 10_000 });
    const ctx = { ...base, limits: { rate: { requests: 10, perMs: 1000 } } };
    await fetchPartner(fake.warmupUrl);
    const results = await runCalls(40, 40, () =>
      callWithPolicy(egress, ctx, () => fetchPartner(fake.url)),
    );

    expect(results.filter((result) => !result.ok || result.attempts > 1)).toEqual([]);
    expect(fake.rejected).toBe(0);
    expect(fake.maxInWindow(1000)).toBeLessThanOrEqual(10);
    const first = fake.arrivals[0] ?? 0;
    const last = fake.arrivals.at(-1) ?? 0;
    const perSecond = ((fake.arrivals.length - 1) / (last - first)) * 1000;
    expect(perSecond).toBeGreaterThanOrEqual(9);
    expect(perSecond).toBeLessThanOrEqual(10);
  });

  it('re-queues with RATE_LIMITED and retryAfterMs after the bounded wait, burning no other layer', async () => {
    const egress = policy({ maxWaitMs: 100 });
    const ctx: CallContext = {
      ...base,
      attempt: 1,
      limits: { rate: { requests: 1, perMs: 10_000 } },
      quotas: { rate: { requests: 1, perMs: 100 }, tenantRate: { requests: 5, perMs: 10_000 } },
    };
    const permit = await egress.acquire(ctx);
    await permit.release({ class: 'success' });
    const started = performance.now();
    const error = await egress.acquire(ctx).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(PolicyError);
    expect(error).toMatchObject({ code: 'RATE_LIMITED', details: { layer: 'partner' } });
    expect((error as PolicyError).retryAfterMs).toBeGreaterThan(9000);
    // The partner's wait is longer than the bounded wait: refused at once, not after sleeping.
    expect(performance.now() - started).toBeLessThan(50);
    const state = await egress.state('inst-1', ctx);
    expect(state.layers.map((layer) => [layer.layer, layer.remaining])).toEqual([
      ['tenant', 4],
      ['installation', 0],
      ['partner', 0],
    ]);
  });

  it('never lets a quota loosen the declared limit, and lets it tighten', () => {
    const options: PlanOptions = {
      defaults: {},
      safetyMargin: 0.02,
      partnerBurstRatio: 0.02,
      retry: DEFAULT_RETRY,
      budgetWindowMs: 60_000,
      budgetBucketMs: 5000,
    };
    const declared = {
      rate: { requests: 10, perMs: 1000 },
      endpoints: { search: { rate: { requests: 2, perMs: 1000 } } },
      concurrency: 4,
    };
    const loose = planCall(
      {
        ...base,
        endpoint: 'search',
        limits: declared,
        quotas: {
          rate: { requests: 1000, perMs: 1000 },
          endpoints: { search: { rate: { requests: 50, perMs: 1000 } } },
          concurrency: 20,
        },
      },
      options,
    );
    expect(loose.layers.map((layer) => [layer.layer, layer.limit.requests])).toEqual([
      ['installation', 10],
      ['endpoint', 2],
      ['partner', 10],
      ['partner-endpoint', 2],
    ]);
    expect(loose.slots.map((slot) => [slot.scope, slot.slot.limit])).toEqual([['installation', 4]]);
    const tight = planCall(
      {
        ...base,
        limits: declared,
        quotas: { rate: { requests: 60, perMs: 60_000 }, concurrency: 2 },
      },
      options,
    );
    expect(tight.layers.map((layer) => [layer.layer, layer.limit])).toEqual([
      ['installation', { requests: 60, perMs: 60_000 }],
      ['partner', { requests: 10, perMs: 1000 }],
    ]);
    expect(tight.slots.map((slot) => slot.slot.limit)).toEqual([2]);
  });

  it('does not delay a second tenant while the first floods at 10x its quota', async () => {
    const fake = await partner();
    const events: PolicyEvent[] = [];
    const egress = policy({ maxWaitMs: 200, onEvent: (event) => events.push(event) });
    const limits = { rate: { requests: 200, perMs: 1000 } };
    const flood = { ...base, limits, quotas: { tenantRate: { requests: 5, perMs: 1000 } } };
    const quiet = { ...flood, tenantId: 'tenant-2', installationId: 'inst-2' };
    const flooding = runCalls(50, 50, () =>
      callWithPolicy(egress, flood, () => fetchPartner(fake.url)),
    );
    const latencies: number[] = [];
    const quietResults = await runCalls(5, 1, async () => {
      const started = performance.now();
      const result = await callWithPolicy(egress, quiet, () => fetchPartner(fake.url));
      latencies.push(performance.now() - started);
      await sleep(20);
      return result;
    });
    const floodResults = await flooding;
    expect(quietResults.every((result) => result.ok)).toBe(true);
    // The quiet tenant never waited for a token; what it saw is the partner's own latency.
    const quietWaits = events.filter(
      (event) =>
        (event.type === 'waited' || event.type === 'rate-limited') &&
        event.ctx.tenantId === 'tenant-2',
    );
    expect(quietWaits).toEqual([]);
    expect(
      events.some((event) => event.type === 'rate-limited' && event.ctx.tenantId === 'tenant-1'),
    ).toBe(true);
    expect(Math.max(...latencies)).toBeLessThan(500);
    const floodOk = floodResults.filter((result) => result.ok).length;
    expect(floodOk).toBeGreaterThanOrEqual(5);
    expect(floodOk).toBeLessThanOrEqual(7);
    expect(
      floodResults
        .filter((result) => !result.ok)
        .every((result) => !result.ok && result.code === 'RATE_LIMITED'),
    ).toBe(true);
  });
});

describe('partner feedback', () => {
  it('sends nothing to a partner for the Retry-After of its 429, across calls of the installation', async () => {
    const fake = await partner({
      respond: (_, n) =>
        n === 1 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 },
    });
    const events: PolicyEvent[] = [];
    const egress = policy({ onEvent: (event) => events.push(event) });
    const ctx = { ...base, limits: { retry: { baseDelayMs: 1 } } };
    const first = callWithPolicy(egress, ctx, () => fetchPartner(fake.url));
    await sleep(100);
    const second = await callWithPolicy(egress, ctx, () => fetchPartner(fake.url));
    expect(await first).toMatchObject({ ok: true, attempts: 2 });
    expect(second).toMatchObject({ ok: true, attempts: 1 });
    const [throttled, ...after] = fake.arrivals;
    expect(after).toHaveLength(2);
    for (const at of after) expect(at - (throttled ?? 0)).toBeGreaterThanOrEqual(990);
    expect(
      events.some((event) => event.type === 'partner-throttled' && event.pauseMs === 1000),
    ).toBe(true);
  });

  it('pauses until the reset when the partner reports its quota spent', async () => {
    const egress = policy();
    const ctx: CallContext = { ...base, attempt: 1 };
    const permit = await egress.acquire(ctx);
    await permit.release({
      class: 'success',
      status: 200,
      headers: { 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': '2' },
    });
    const state = await egress.state('inst-1', ctx);
    const pausedFor = Date.parse(state.pausedUntil ?? '') - Date.parse(state.at);
    expect(pausedFor).toBeGreaterThan(1900);
    expect(pausedFor).toBeLessThanOrEqual(2000);
    await expect(
      createEgressPolicy({ backend: egress.backend, maxWaitMs: 100 }).acquire(ctx),
    ).rejects.toMatchObject({
      code: 'RATE_LIMITED',
      details: { blockedBy: 'pause' },
    });
  });
});

describe('retries', () => {
  it('never retries a permanent error: a 400 is exactly one attempt', async () => {
    const fake = await partner({ respond: () => ({ status: 400, body: { error: 'validation' } }) });
    const result = await callWithPolicy(policy(), base, () => fetchPartner(fake.url));
    expect(result).toEqual({ ok: false, attempts: 1, status: 400, code: 'PARTNER_PERMANENT' });
    expect(fake.arrivals).toHaveLength(1);
  });

  it('keeps a 503 storm within (1 + budgetRatio) x first attempts + the minimum', async () => {
    const fake = await partner({ respond: () => ({ status: 503 }) });
    const egress = policy({ minRetriesPerWindow: 3 });
    const ctx = {
      ...base,
      limits: { retry: { baseDelayMs: 2, maxDelayMs: 10, budgetRatio: 0.1 } },
    };
    const results = await runCalls(100, 20, () =>
      callWithPolicy(egress, ctx, () => fetchPartner(fake.url)),
    );
    expect(fake.arrivals.length).toBeLessThanOrEqual(Math.floor(1.1 * 100) + 3);
    expect(fake.arrivals.length).toBeGreaterThan(100);
    const exhausted = results.filter(
      (result) => !result.ok && result.code === 'RETRY_BUDGET_EXHAUSTED',
    );
    expect(exhausted.length).toBeGreaterThanOrEqual(85);
    expect(results.every((result) => !result.ok)).toBe(true);
    const state = await egress.state('inst-1', ctx);
    expect(state.retryBudget).toMatchObject({ firstAttempts: 100, allowed: 13, left: 0 });
  });

  it('draws full jitter in [0, min(cap, base x 2^n)] and honours Retry-After', async () => {
    const retry = { ...DEFAULT_RETRY, baseDelayMs: 100, maxDelayMs: 1000 };
    expect([1, 2, 3, 4, 5, 6].map((attempt) => backoffDelay(attempt, retry, () => 0.9999))).toEqual(
      [99, 199, 399, 799, 999, 999],
    );
    expect(backoffDelay(3, retry, () => 0)).toBe(0);
    const egress = policy({ random: () => 0.5 });
    const ctx = { ...base, attempt: 2, limits: { retry: { baseDelayMs: 100 } } };
    expect(await egress.retryDelay(ctx, { class: 'transient', status: 503 })).toBe(100);
    expect(
      await egress.retryDelay(ctx, {
        class: 'transient',
        status: 429,
        headers: { 'Retry-After': '3' },
      }),
    ).toBe(3000);
    expect(await egress.retryDelay(ctx, { class: 'transient', retryAfterMs: 20 })).toBe(100);
    expect(await egress.retryDelay(ctx, { class: 'permanent', status: 422 })).toBeNull();
    expect(await egress.retryDelay(ctx, { class: 'success', status: 200 })).toBeNull();
    expect(
      await egress.retryDelay({ ...ctx, attempt: 5 }, { class: 'transient', status: 503 }),
    ).toBeNull();
    await expect(
      egress.retryDelay(ctx, { class: 'transient', headers: { 'retry-after': '3600' } }),
    ).rejects.toMatchObject({
      code: 'RATE_LIMITED',
      retryAfterMs: 3_600_000,
    });
    const state = await egress.state('inst-1', ctx);
    expect(state.backoff?.attempt).toBe(2);
  });
});

describe('concurrency caps', () => {
  it('never has more than 3 calls in flight against a slow partner', async () => {
    const fake = await partner({ delayMs: 150 });
    const egress = policy();
    const ctx = { ...base, limits: { concurrency: 3 } };
    let inFlight = 0;
    let peak = 0;
    const results = await runCalls(12, 12, () =>
      callWithPolicy(egress, ctx, async () => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        try {
          return await fetchPartner(fake.url);
        } finally {
          inFlight -= 1;
        }
      }),
    );
    expect(results.every((result) => result.ok)).toBe(true);
    expect(peak).toBe(3);
    expect(fake.maxInFlight).toBe(3);
    expect((await egress.state('inst-1', ctx)).concurrency).toEqual([
      { scope: 'installation', limit: 3, inUse: 0 },
    ]);
  });

  it('returns every slot after timeouts', async () => {
    const fake = await partner({ delayMs: 1000 });
    const egress = policy({ defaults: { partnerConcurrency: 3 } });
    const ctx = {
      ...base,
      endpoint: 'search',
      limits: {
        concurrency: 3,
        endpoints: { search: { concurrency: 1 } },
        retry: { maxAttempts: 1 },
      },
      quotas: { concurrency: 2 },
    };
    const results = await runCalls(6, 6, () =>
      callWithPolicy(egress, ctx, () => fetchPartner(fake.url, 80)),
    );
    expect(results.every((result) => !result.ok && result.code === 'PARTNER_TRANSIENT')).toBe(true);
    expect((await egress.state('inst-1', ctx)).concurrency).toEqual([
      { scope: 'installation', limit: 2, inUse: 0 },
      { scope: 'endpoint', limit: 1, inUse: 0 },
      { scope: 'partner', limit: 3, inUse: 0 },
    ]);
  });

  it('takes back the slot of a permit that is never released once its hold limit passes', async () => {
    const egress = policy({ leaseMs: 300, maxHoldMs: 600 });
    const ctx: CallContext = { ...base, attempt: 1, limits: { concurrency: 1 } };
    await egress.acquire(ctx);
    await sleep(450);
    expect((await egress.state('inst-1', ctx)).concurrency[0]?.inUse).toBe(1);
    await sleep(600);
    expect((await egress.state('inst-1', ctx)).concurrency[0]?.inUse).toBe(0);
    const permit = await createEgressPolicy({ backend: egress.backend, maxWaitMs: 50 }).acquire(
      ctx,
    );
    await permit.release({ class: 'success' });
  });
});

describe('visible state', () => {
  it('shows layers, budget, concurrency and last success for the health view', async () => {
    const clock = new ManualClock(Date.parse('2026-01-01T00:00:00Z'));
    const egress = createEgressPolicy({ backend: new MemoryBackend({ clock }), clock });
    const ctx: CallContext = {
      ...base,
      attempt: 1,
      limits: { rate: { requests: 10, perMs: 1000 }, concurrency: 5 },
      quotas: { rate: { requests: 100, perMs: 60_000 } },
    };
    const permit = await egress.acquire(ctx);
    const during = await egress.state('inst-1', ctx);
    expect(during.concurrency).toEqual([{ scope: 'installation', limit: 5, inUse: 1 }]);
    clock.advance(10);
    await permit.release({ class: 'success', status: 200 });
    const state = await egress.state('inst-1', ctx);
    expect(state).toEqual({
      installationId: 'inst-1',
      at: '2026-01-01T00:00:00.010Z',
      layers: [
        {
          layer: 'installation',
          limit: { requests: 100, perMs: 60_000 },
          remaining: 99,
          resetMs: 590,
        },
        { layer: 'partner', limit: { requests: 10, perMs: 1000 }, remaining: 0, resetMs: 93 },
      ],
      pausedUntil: null,
      backoff: null,
      retryBudget: { windowMs: 60_000, firstAttempts: 1, retries: 0, allowed: 3, left: 3 },
      concurrency: [{ scope: 'installation', limit: 5, inUse: 0 }],
      lastSuccessAt: '2026-01-01T00:00:00.010Z',
    });
  });
});
