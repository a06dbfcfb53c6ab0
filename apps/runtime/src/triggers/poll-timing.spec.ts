import { describe, expect, it } from 'vitest';
import { MAX_BACKOFF_MS, backoffDelay, nextPollDelay } from './poll-timing.js';

const sample = (f: () => number, n = 500) => Array.from({ length: n }, f);

describe('poll timing', () => {
  it('schedules a healthy poll at its interval plus at most 10% jitter, not always the same', () => {
    const delays = sample(() => nextPollDelay(60_000));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(60_000);
    expect(Math.max(...delays)).toBeLessThanOrEqual(66_000);
    expect(new Set(delays).size).toBeGreaterThan(10);
  });

  it('doubles the backoff with each failure, from half the interval, up to the cap', () => {
    for (const failures of [1, 2, 3, 4]) {
      const ceiling = 1000 * 2 ** (failures - 1);
      const delays = sample(() => backoffDelay(1000, failures));
      expect(Math.min(...delays)).toBeGreaterThanOrEqual(ceiling / 2);
      expect(Math.max(...delays)).toBeLessThanOrEqual(ceiling);
    }
    const capped = sample(() => backoffDelay(60_000, 30));
    expect(Math.max(...capped)).toBeLessThanOrEqual(MAX_BACKOFF_MS);
    expect(Math.min(...capped)).toBeGreaterThanOrEqual(MAX_BACKOFF_MS / 2);
  });
});
