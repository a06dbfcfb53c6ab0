import type { SettledItem } from './observability.repository.js';

export interface SloObjectives {
  /** Share of items that must reach the partner successfully within `latencyMs` of acceptance. */
  latencyTarget: number;
  latencyMs: number;
  /** Share of items that must end succeeded (not failed or dead). */
  successTarget: number;
}

export const DEFAULT_SLO: SloObjectives = {
  latencyTarget: 0.99,
  latencyMs: 60_000,
  successTarget: 0.995,
};

/** Stored objectives over the defaults; anything malformed falls back to the default. */
export function objectivesFrom(stored: unknown): SloObjectives {
  const o = (stored ?? {}) as {
    delivery?: { target?: unknown; withinMs?: unknown };
    success?: { target?: unknown };
  };
  const ratio = (v: unknown, fallback: number) =>
    typeof v === 'number' && v > 0 && v < 1 ? v : fallback;
  return {
    latencyTarget: ratio(o.delivery?.target, DEFAULT_SLO.latencyTarget),
    latencyMs:
      typeof o.delivery?.withinMs === 'number' && o.delivery.withinMs > 0
        ? o.delivery.withinMs
        : DEFAULT_SLO.latencyMs,
    successTarget: ratio(o.success?.target, DEFAULT_SLO.successTarget),
  };
}

export function objectivesView(o: SloObjectives) {
  return {
    delivery: { target: o.latencyTarget, withinMs: o.latencyMs },
    success: { target: o.successTarget },
  };
}

export const WINDOWS = { '1h': 3_600_000, '24h': 86_400_000 } as const;
export type WindowName = keyof typeof WINDOWS;

export interface WindowFigures {
  total: number;
  succeeded: number;
  failed: number;
  deliveredInTime: number;
  successRate: number | null;
  /** 1 = untouched, 0 = spent, below 0 = overspent; 1 when nothing settled in the window. */
  errorBudgetLeft: { success: number; latency: number };
  /** How fast the budget burns: observed error rate / allowed error rate (1 = exactly on budget). */
  burnRate: { success: number; latency: number };
}

export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[rank]!;
}

function budget(bad: number, total: number, target: number): { left: number; burn: number } {
  if (total === 0) return { left: 1, burn: 0 };
  const allowed = 1 - target;
  const rate = bad / total;
  return {
    left: Math.round((1 - rate / allowed) * 10_000) / 10_000,
    burn: Math.round((rate / allowed) * 100) / 100,
  };
}

export function windowFigures(items: SettledItem[], objectives: SloObjectives): WindowFigures {
  const succeeded = items.filter((i) => i.state === 'succeeded');
  const inTime = succeeded.filter((i) => i.updatedAt - i.createdAt <= objectives.latencyMs).length;
  const failed = items.length - succeeded.length;
  const success = budget(failed, items.length, objectives.successTarget);
  const latency = budget(items.length - inTime, items.length, objectives.latencyTarget);
  return {
    total: items.length,
    succeeded: succeeded.length,
    failed,
    deliveredInTime: inTime,
    successRate:
      items.length === 0 ? null : Math.round((succeeded.length / items.length) * 10_000) / 10_000,
    errorBudgetLeft: { success: success.left, latency: latency.left },
    burnRate: { success: success.burn, latency: latency.burn },
  };
}

export function latencies(items: SettledItem[]): {
  p50: number | null;
  p99: number | null;
  samples: number;
} {
  const sorted = items
    .filter((i) => i.state === 'succeeded')
    .map((i) => i.updatedAt - i.createdAt)
    .sort((a, b) => a - b);
  return { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), samples: sorted.length };
}
