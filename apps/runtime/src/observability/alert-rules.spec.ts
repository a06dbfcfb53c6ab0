import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS, isGrowing } from './alert-rules.js';

const t = { ...DEFAULT_THRESHOLDS, queueGrowthMs: 60_000, queueGrowthMinDepth: 10 };
const series = (depths: number[], stepMs = 15_000) =>
  depths.map((depth, i) => ({ at: i * stepMs, depth }));

describe('queue growth', () => {
  it('needs the growth to last the whole window', () => {
    const samples = series([10, 20, 30, 40, 50]);
    expect(isGrowing(samples, t, 60_000)).toBe(true);
    expect(isGrowing(samples.slice(0, 3), t, 30_000)).toBe(false);
  });

  it('ignores shallow queues, drained queues and a single spike', () => {
    expect(isGrowing(series([1, 2, 3, 4, 5]), t, 60_000)).toBe(false);
    expect(isGrowing(series([50, 60, 70, 80, 20]), t, 60_000)).toBe(false);
    expect(isGrowing(series([20, 5, 80, 5, 30]), t, 60_000)).toBe(false);
  });
});
