// Definition extensions of issue 9 as the policy enforces them: `limits.retry.scheduleMs`, rate
// windows given as a list, and per-request rate keys (`CallContext.rateKey`).
import { describe, expect, it } from 'vitest';
import { createEgressPolicy, type EgressPolicyOptions } from './egress-policy.js';
import { MemoryBackend } from './memory-backend.js';
import { PolicyError, type CallContext } from './policy.js';

function policy(options: Partial<EgressPolicyOptions> = {}) {
  return createEgressPolicy({ backend: new MemoryBackend(), ...options });
}

const base = { connectorId: 'svix', host: 'hooks.example.com', installationId: 'inst-1' };
const transient = { class: 'transient' as const, status: 503 };

async function failure(promise: Promise<unknown>): Promise<PolicyError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PolicyError);
  return error as PolicyError;
}

/** Acquires and releases at once; rejects with the policy's error. */
async function call(egress: ReturnType<typeof policy>, ctx: CallContext): Promise<void> {
  const permit = await egress.acquire(ctx);
  await permit.release({ class: 'success', status: 200 });
}

describe('retry schedule', () => {
  const schedule = { retry: { scheduleMs: [0, 5000, 300_000] } };

  it('waits the scheduled delay within ±10% instead of backing off, and stops after the list', async () => {
    const low = policy({ random: () => 0 });
    const high = policy({ random: () => 0.999999 });
    const ctx = { ...base, limits: schedule, attempt: 1 };
    expect(await low.retryDelay(ctx, transient)).toBe(4500);
    expect(await high.retryDelay(ctx, transient)).toBe(5500);
    // maxAttempts defaults to the schedule's length: after attempt 3 there is no fourth.
    expect(await low.retryDelay({ ...ctx, attempt: 3 }, transient)).toBeNull();
  });

  it('re-queues a scheduled wait longer than the policy holds a call, with that delay', async () => {
    const egress = policy({ random: () => 0.5 });
    const error = await failure(
      egress.retryDelay({ ...base, limits: schedule, attempt: 2 }, transient),
    );
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.retryAfterMs).toBe(300_000);
  });

  it('still needs the retry budget', async () => {
    const egress = policy({ minRetriesPerWindow: 0 });
    const ctx = { ...base, limits: { retry: { ...schedule.retry, budgetRatio: 0 } }, attempt: 1 };
    expect((await failure(egress.retryDelay(ctx, transient))).code).toBe('RETRY_BUDGET_EXHAUSTED');
  });
});

describe('rate windows and keys', () => {
  it('enforces every window of a list, not only the first', async () => {
    const perSecond = { requests: 100, perMs: 1000 };
    const single = policy({ maxWaitMs: 100 });
    for (let i = 0; i < 3; i++)
      await call(single, { ...base, limits: { rate: [perSecond] }, attempt: 1 });

    const both = policy({ maxWaitMs: 100 });
    const ctx = {
      ...base,
      limits: { rate: [perSecond, { requests: 3, perMs: 3_600_000 }] },
      attempt: 1,
    };
    await call(both, ctx);
    const error = await failure(call(both, ctx));
    expect(error.code).toBe('RATE_LIMITED');
  });

  it('counts an endpoint window per rate key', async () => {
    const egress = policy({ maxWaitMs: 100 });
    const limits = {
      endpoints: { post: { rate: { requests: 1, perMs: 1000, key: '{{ input.channel }}' } } },
    };
    const ctx = (rateKey: string) => ({ ...base, endpoint: 'post', limits, rateKey, attempt: 1 });
    await call(egress, ctx('C1'));
    await call(egress, ctx('C2'));
    expect((await failure(call(egress, ctx('C1')))).code).toBe('RATE_LIMITED');
  });
});
