import { describe, expect, it } from 'vitest';
import { parseRetryAfter, readPartnerQuota } from './headers.js';

describe('partner headers', () => {
  const now = Date.parse('2026-03-01T12:00:00Z');

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter(' 1.5 ', now)).toBe(1500);
    expect(parseRetryAfter('Sun, 01 Mar 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Sun, 01 Mar 2026 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it('reads RateLimit-*, X-RateLimit-* and the structured RateLimit header', () => {
    expect(
      readPartnerQuota(
        { 'RateLimit-Limit': '100', 'RateLimit-Remaining': '7', 'RateLimit-Reset': '30' },
        now,
      ),
    ).toEqual({
      limit: 100,
      remaining: 7,
      resetMs: 30_000,
    });
    // GitHub sends the reset as epoch seconds.
    expect(
      readPartnerQuota(
        { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 90) },
        now,
      ),
    ).toEqual({
      remaining: 0,
      resetMs: 90_000,
    });
    expect(readPartnerQuota({ ratelimit: 'limit=10, remaining=3, reset=4' }, now)).toEqual({
      limit: 10,
      remaining: 3,
      resetMs: 4000,
    });
    expect(readPartnerQuota({ RateLimit: '"default";r=0;t=12' }, now)).toEqual({
      remaining: 0,
      resetMs: 12_000,
    });
    expect(readPartnerQuota({ 'content-type': 'application/json' }, now)).toEqual({});
  });
});
