import { describe, expect, it } from 'vitest';
import type { SettledItem } from './observability.repository.js';
import { DEFAULT_SLO, latencies, percentile, windowFigures } from './slo.js';

const item = (state: string, latencyMs: number): SettledItem => ({
  installationId: 'ins_1',
  action: 'send',
  state,
  createdAt: 1_000,
  updatedAt: 1_000 + latencyMs,
});

describe('SLO figures', () => {
  it('leaves the whole budget when nothing settled', () => {
    const w = windowFigures([], DEFAULT_SLO);
    expect(w).toMatchObject({
      total: 0,
      successRate: null,
      errorBudgetLeft: { success: 1, latency: 1 },
    });
  });

  it('spends the success budget on failures and the latency budget on late or undelivered items', () => {
    const items = [
      ...Array.from({ length: 998 }, () => item('succeeded', 100)),
      item('succeeded', 61_000),
      item('dead', 5),
    ];
    const w = windowFigures(items, DEFAULT_SLO);
    expect(w.successRate).toBe(0.999);
    // 1 failure in 1000 against an allowance of 5 in 1000: 80% of the success budget left.
    expect(w.errorBudgetLeft.success).toBe(0.8);
    expect(w.burnRate.success).toBe(0.2);
    // 2 of 1000 not delivered within 60 s against an allowance of 10: 80% left.
    expect(w.errorBudgetLeft.latency).toBe(0.8);
  });

  it('takes nearest-rank percentiles of delivered items only', () => {
    expect(percentile([], 0.5)).toBeNull();
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2);
    const l = latencies([item('succeeded', 10), item('succeeded', 30), item('failed', 9_999)]);
    expect(l).toEqual({ p50: 10, p99: 30, samples: 2 });
  });
});
