// Cluster mode: policies in separate processes (or separate connections) sharing one Redis.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createEgressPolicy } from './egress-policy.js';
import { createFrontDoorLimiter } from './front-door.js';
import { PolicyError, type CallContext } from './policy.js';
import { RedisBackend } from './redis-backend.js';
import { callWithPolicy, fetchPartner, runCalls, type CallResult } from './testing/driver.js';
import type { WorkerTask } from './testing/egress-worker.js';
import { startFakePartner, type FakePartner } from './testing/fake-partner.js';
import { REDIS_URL, deletePrefix, redisReachable, testPrefix } from './testing/redis.js';

const reachable = await redisReachable();
const here = dirname(fileURLToPath(import.meta.url));

interface Worker {
  child: ChildProcess;
  /** The next JSON line the worker writes. */
  next(): Promise<unknown>;
}

function startWorker(task: WorkerTask): Worker {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(here, 'testing', 'egress-worker.ts'), JSON.stringify(task)],
    { cwd: join(here, '..'), stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines: unknown[] = [];
  const waiting: Array<(line: unknown) => void> = [];
  let exited = false;
  const reader = createInterface({ input: child.stdout ?? Readable.from([]) });
  reader.on('line', (text) => {
    const line = JSON.parse(text) as unknown;
    const waiter = waiting.shift();
    if (waiter) waiter(line);
    else lines.push(line);
  });
  child.on('exit', () => {
    exited = true;
    for (const waiter of waiting.splice(0)) waiter({ exited: true });
  });
  return {
    child,
    next: () =>
      new Promise((resolve) => {
        if (lines.length > 0) resolve(lines.shift());
        else if (exited) resolve({ exited: true });
        else waiting.push(resolve);
      }),
  };
}

describe.skipIf(!reachable)('policies in cluster mode (Redis)', () => {
  const prefixes: string[] = [];
  const partners: FakePartner[] = [];
  const backends: RedisBackend[] = [];
  const children: ChildProcess[] = [];
  const prefix = () => {
    const value = testPrefix();
    prefixes.push(value);
    return value;
  };
  const redisBackend = (keyPrefix: string, url = REDIS_URL) => {
    const backend = new RedisBackend({ url, prefix: keyPrefix });
    backends.push(backend);
    return backend;
  };
  afterEach(async () => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
    await Promise.all(partners.splice(0).map((partner) => partner.close()));
  });
  afterAll(async () => {
    await Promise.all(backends.map((backend) => backend.close()));
    await Promise.all(prefixes.map((value) => deletePrefix(value)));
  });

  it('holds the partner-wide limit across two worker processes', async () => {
    const fake = await startFakePartner({ limit: { requests: 10, perMs: 1000 } });
    partners.push(fake);
    const keyPrefix = prefix();
    const limits = { rate: { requests: 10, perMs: 1000 } };
    const workers = ['inst-a', 'inst-b'].map((installationId, i) =>
      startWorker({
        mode: 'calls',
        redisUrl: REDIS_URL,
        prefix: keyPrefix,
        partnerUrl: fake.url,
        ctx: {
          connectorId: 'acme',
          host: '127.0.0.1',
          installationId,
          tenantId: `tenant-${i}`,
          limits,
        },
        calls: 20,
        parallel: 20,
      }),
    );
    children.push(...workers.map((worker) => worker.child));
    expect(await Promise.all(workers.map((worker) => worker.next()))).toEqual([
      { ready: true },
      { ready: true },
    ]);
    for (const worker of workers) worker.child.stdin?.write('go\n');
    const outputs = (await Promise.all(workers.map((worker) => worker.next()))) as Array<{
      results: CallResult[];
    }>;
    const results = outputs.flatMap((output) => output.results);
    expect(results).toHaveLength(40);
    expect(results.filter((result) => !result.ok || result.attempts > 1)).toEqual([]);
    expect(fake.rejected).toBe(0);
    expect(fake.maxInWindow(1000)).toBeLessThanOrEqual(10);
    const first = fake.arrivals[0] ?? 0;
    const last = fake.arrivals.at(-1) ?? 0;
    expect(((fake.arrivals.length - 1) / (last - first)) * 1000).toBeGreaterThanOrEqual(9);
  });

  it("gets a killed worker's slots back when their leases expire", async () => {
    const keyPrefix = prefix();
    const ctx = {
      connectorId: 'acme',
      host: '127.0.0.1',
      installationId: 'inst-1',
      limits: { concurrency: 3 },
    };
    const holders = [1, 2, 3].map(() =>
      startWorker({ mode: 'hold', redisUrl: REDIS_URL, prefix: keyPrefix, ctx, leaseMs: 600 }),
    );
    children.push(...holders.map((holder) => holder.child));
    expect(await Promise.all(holders.map((holder) => holder.next()))).toEqual([
      { held: true },
      { held: true },
      { held: true },
    ]);
    const policy = createEgressPolicy({ backend: redisBackend(keyPrefix), maxWaitMs: 50 });
    expect((await policy.state('inst-1', ctx)).concurrency).toEqual([
      { scope: 'installation', limit: 3, inUse: 3 },
    ]);
    await expect(policy.acquire({ ...ctx, attempt: 1 })).rejects.toMatchObject({
      code: 'RATE_LIMITED',
      details: { blockedBy: 'concurrency' },
    });
    // The holders renew their leases while alive: well past one lease, the slots are still held.
    await sleep(900);
    expect((await policy.state('inst-1', ctx)).concurrency[0]?.inUse).toBe(3);
    for (const holder of holders) holder.child.kill('SIGKILL');
    await sleep(800);
    expect((await policy.state('inst-1', ctx)).concurrency[0]?.inUse).toBe(0);
    const permit = await policy.acquire({ ...ctx, attempt: 1 });
    await permit.release({ class: 'success' });
  });

  it('pauses every process for a 429 Retry-After and shares the retry budget', async () => {
    const keyPrefix = prefix();
    const fake = await startFakePartner({
      respond: (_, n) =>
        n === 1 ? { status: 429, headers: { 'Retry-After': '1' } } : { status: 503 },
    });
    partners.push(fake);
    const a = createEgressPolicy({ backend: redisBackend(keyPrefix), minRetriesPerWindow: 2 });
    const b = createEgressPolicy({ backend: redisBackend(keyPrefix), minRetriesPerWindow: 2 });
    const ctx = {
      connectorId: 'acme',
      host: '127.0.0.1',
      installationId: 'inst-1',
      limits: { retry: { baseDelayMs: 1, maxDelayMs: 2 } },
    };
    const permit = await a.acquire({ ...ctx, attempt: 1 });
    const throttled = await fetchPartner(fake.url);
    await permit.release({
      class: 'transient',
      status: throttled.status,
      headers: throttled.headers,
    });
    const started = Date.now();
    const second = await b.acquire({ ...ctx, attempt: 1 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    await second.release({ class: 'success' });
    // 20 more first attempts between the two: 2 + 10% of 22 = 4 retries in all, whoever asks.
    const results = await runCalls(20, 10, (i) =>
      callWithPolicy(i % 2 === 0 ? a : b, ctx, () => fetchPartner(fake.url)),
    );
    const state = await b.state('inst-1', ctx);
    expect(state.retryBudget).toMatchObject({ firstAttempts: 22, retries: 4, allowed: 4, left: 0 });
    expect(
      results.filter((result) => !result.ok && result.code === 'RETRY_BUDGET_EXHAUSTED').length,
    ).toBeGreaterThanOrEqual(16);
  });

  it('fails closed at egress and falls back locally at the front door when Redis is unreachable', async () => {
    const keyPrefix = prefix();
    const closed = 'redis://127.0.0.1:1';
    const policy = createEgressPolicy({ backend: redisBackend(keyPrefix, closed) });
    const ctx: CallContext = {
      connectorId: 'acme',
      host: '127.0.0.1',
      installationId: 'inst-1',
      attempt: 1,
      limits: { rate: { requests: 10, perMs: 1000 } },
    };
    const started = Date.now();
    const error = await policy.acquire(ctx).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(PolicyError);
    expect(error).toMatchObject({
      code: 'POLICY_BACKEND_UNAVAILABLE',
      class: 'transient',
      runErrorCode: 'RATE_LIMITED',
      retryAfterMs: 1000,
    });
    expect(Date.now() - started).toBeLessThan(1500);
    await expect(
      policy.retryDelay({ ...ctx, attempt: 2 }, { class: 'transient', status: 503 }),
    ).rejects.toMatchObject({
      code: 'POLICY_BACKEND_UNAVAILABLE',
    });

    const limiter = createFrontDoorLimiter({
      backend: redisBackend(keyPrefix, closed),
      perKey: { requests: 2, perMs: 60_000 },
    });
    const decisions = [];
    for (let i = 0; i < 3; i += 1) decisions.push(await limiter.check('key-1', 'tenant-1'));
    expect(decisions.map((decision) => [decision.allowed, decision.source])).toEqual([
      [true, 'fallback'],
      [true, 'fallback'],
      [false, 'fallback'],
    ]);
  });

  it('limits the front door across processes through Redis', async () => {
    const keyPrefix = prefix();
    const one = createFrontDoorLimiter({
      backend: redisBackend(keyPrefix),
      perKey: { requests: 3, perMs: 60_000 },
    });
    const two = createFrontDoorLimiter({
      backend: redisBackend(keyPrefix),
      perKey: { requests: 3, perMs: 60_000 },
    });
    const decisions = [];
    for (const limiter of [one, two, one, two]) decisions.push(await limiter.check('key-1'));
    expect(
      decisions.map((decision) => [decision.allowed, decision.remaining, decision.source]),
    ).toEqual([
      [true, 2, 'backend'],
      [true, 1, 'backend'],
      [true, 0, 'backend'],
      [false, 0, 'backend'],
    ]);
    expect(decisions[3]?.retryAfterSec).toBe(20);
  });
});
