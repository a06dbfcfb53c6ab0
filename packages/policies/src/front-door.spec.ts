import { describe, expect, it } from 'vitest';
import { BackendUnavailableError, type PolicyBackend } from './backend.js';
import { ManualClock } from './clock.js';
import { createFrontDoorLimiter, frontDoorHeaders } from './front-door.js';
import { MemoryBackend } from './memory-backend.js';

describe('front door limiter', () => {
  it('answers the RateLimit headers per API key and a 429 with Retry-After', async () => {
    const clock = new ManualClock(0);
    const limiter = createFrontDoorLimiter({
      backend: new MemoryBackend({ clock }),
      perKey: { requests: 3, perMs: 60_000 },
      perTenant: { requests: 100, perMs: 60_000 },
    });
    const decisions = [];
    for (let i = 0; i < 4; i += 1) decisions.push(await limiter.check('key-1', 'tenant-1'));
    expect(decisions.map((decision) => frontDoorHeaders(decision))).toEqual([
      { 'RateLimit-Limit': '3', 'RateLimit-Remaining': '2', 'RateLimit-Reset': '20' },
      { 'RateLimit-Limit': '3', 'RateLimit-Remaining': '1', 'RateLimit-Reset': '40' },
      { 'RateLimit-Limit': '3', 'RateLimit-Remaining': '0', 'RateLimit-Reset': '60' },
      {
        'RateLimit-Limit': '3',
        'RateLimit-Remaining': '0',
        'RateLimit-Reset': '60',
        'Retry-After': '20',
      },
    ]);
    expect(decisions[3]).toMatchObject({ allowed: false, retryAfterSec: 20, source: 'backend' });
    clock.advance(20_000);
    expect(await limiter.check('key-1', 'tenant-1')).toMatchObject({ allowed: true, remaining: 0 });
    expect(await limiter.check('key-2', 'tenant-1')).toMatchObject({
      allowed: true,
      limit: 3,
      remaining: 2,
    });
  });

  it('holds the tenant limit across its keys, and a refused request charges nothing', async () => {
    const clock = new ManualClock(0);
    const limiter = createFrontDoorLimiter({
      backend: new MemoryBackend({ clock }),
      perKey: { requests: 10, perMs: 1000 },
      perTenant: { requests: 4, perMs: 1000 },
    });
    const allowed = [];
    for (let i = 0; i < 6; i += 1)
      allowed.push((await limiter.check(`key-${i % 3}`, 'tenant-1')).allowed);
    expect(allowed).toEqual([true, true, true, true, false, false]);
    const refused = await limiter.check('key-0', 'tenant-1');
    expect(refused).toMatchObject({ allowed: false, limit: 4, remaining: 0, retryAfterSec: 1 });
    // key-0 took 2 of its 10 tokens; the refusals took none.
    expect(await limiter.check('key-0')).toMatchObject({ allowed: true, limit: 10, remaining: 7 });
  });

  it('falls back to a local bucket with the same limits when the backend is down', async () => {
    const down: PolicyBackend = Object.assign(new MemoryBackend(), {
      acquire: () => Promise.reject(new BackendUnavailableError('connection refused')),
    });
    const errors: Error[] = [];
    const limiter = createFrontDoorLimiter({
      backend: down,
      perKey: { requests: 2, perMs: 60_000 },
      onFallback: (error) => errors.push(error),
    });
    const decisions = [];
    for (let i = 0; i < 3; i += 1) decisions.push(await limiter.check('key-1'));
    expect(decisions.map((decision) => [decision.allowed, decision.source])).toEqual([
      [true, 'fallback'],
      [true, 'fallback'],
      [false, 'fallback'],
    ]);
    expect(errors).toHaveLength(3);
  });
});
