import { describe, expect, it } from 'vitest';
import { healthFromApi, healthFromRuns } from './health.js';

describe('installation health', () => {
  it('reads the runtime`s health answer, tightest rate layer first', () => {
    const view = healthFromApi({
      successRate: { '1h': 0.75, '24h': 0.9 },
      deliveryLatencyMs: { window: '1h', p50: 40, p99: 900, samples: 4 },
      duplicates: { offered: 10, duplicates: 2 },
      queue: { depth: 3, lagSeconds: 1.5 },
      policy: {
        available: true,
        layers: [
          {
            layer: 'installation',
            limit: { requests: 60, perMs: 60000 },
            remaining: 58,
            resetMs: 10,
          },
          { layer: 'partner', limit: { requests: 10, perMs: 1000 }, remaining: 4, resetMs: 10 },
        ],
        pausedUntil: null,
        backoff: null,
        retryBudget: { windowMs: 60000, firstAttempts: 10, retries: 1, allowed: 2, left: 1 },
      },
      lastSuccessAt: '2026-12-04T10:00:00.000Z',
    });
    expect(view).toMatchObject({
      successRate: 0.75,
      p50: 40,
      p99: 900,
      queueDepth: 3,
      duplicates: 2,
      quota: '4 of 10 (partner)',
      backoff: 'none',
      budget: '1 of 2 retries',
    });
  });

  it('says so when the runtime applies no limits', () => {
    expect(healthFromApi({ policy: { available: false, reason: 'pass-through' } })).toMatchObject({
      quota: 'not limited',
      policyNote: 'pass-through',
    });
  });

  it('falls back to what recent runs tell', () => {
    const view = healthFromRuns([
      { id: 'a', status: 'succeeded', durationMs: 10, finishedAt: '2026-01-01T00:00:01Z' },
      { id: 'b', status: 'failed', durationMs: 30 },
      { id: 'c', status: 'queued' },
    ]);
    expect(view).toMatchObject({
      successRate: 0.5,
      p50: 30,
      queueDepth: 1,
      lastSuccessAt: '2026-01-01T00:00:01Z',
    });
  });
});
