import type { RunSummary } from '../api/client.js';
import { isObject } from '../model.js';

/** What the installation page shows, from the runtime's health answer or from recent runs. */
export interface HealthView {
  successRate: number | null;
  p50: number | null;
  p99: number | null;
  queueDepth: number | null;
  lagSeconds: number | null;
  duplicates: number | null;
  quota: string;
  backoff: string;
  budget: string;
  lastSuccessAt: string | null;
  /** Why quota, backoff and budget are not shown, when the runtime says. */
  policyNote?: string;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const obj = (v: unknown): Record<string, unknown> => (isObject(v) ? v : {});

function time(iso: unknown): string {
  return typeof iso === 'string' ? new Date(iso).toLocaleTimeString() : '';
}

/** `GET /v1/installations/:id/health` (see the runtime's observability module). */
export function healthFromApi(raw: unknown): HealthView {
  const h = obj(raw);
  const rates = obj(h.successRate);
  const latency = obj(h.deliveryLatencyMs);
  const queue = obj(h.queue);
  const policy = obj(h.policy);
  const view: HealthView = {
    successRate: num(rates['1h']) ?? num(rates['24h']) ?? num(h.successRate),
    p50: num(latency.p50),
    p99: num(latency.p99),
    queueDepth: num(queue.depth),
    lagSeconds: num(queue.lagSeconds),
    duplicates: num(obj(h.duplicates).duplicates),
    quota: '—',
    backoff: '—',
    budget: '—',
    lastSuccessAt: typeof h.lastSuccessAt === 'string' ? h.lastSuccessAt : null,
  };
  if (policy.available === false) {
    return {
      ...view,
      quota: 'not limited',
      backoff: 'none',
      budget: 'no retries',
      policyNote: typeof policy.reason === 'string' ? policy.reason : undefined,
    };
  }
  const layers = Array.isArray(policy.layers) ? policy.layers.map(obj) : [];
  const tightest = layers
    .map((l) => ({
      layer: String(l.layer ?? ''),
      remaining: num(l.remaining),
      of: num(obj(l.limit).requests),
    }))
    .filter((l) => l.remaining !== null)
    .sort((a, b) => (a.remaining as number) - (b.remaining as number))[0];
  if (tightest)
    view.quota = `${tightest.remaining}${tightest.of !== null ? ` of ${tightest.of}` : ''} (${tightest.layer})`;
  const backoff = obj(policy.backoff);
  view.backoff = policy.backoff
    ? `attempt ${String(backoff.attempt ?? '?')} until ${time(backoff.until)}`
    : policy.pausedUntil
      ? `paused until ${time(policy.pausedUntil)}`
      : 'none';
  const budget = obj(policy.retryBudget);
  if (num(budget.left) !== null)
    view.budget = `${String(budget.left)} of ${String(budget.allowed ?? '?')} retries`;
  return view;
}

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? null;
}

/** For a runtime without the health route: what the recent runs tell. */
export function healthFromRuns(runs: RunSummary[]): HealthView {
  const finished = runs.filter(
    (r) => r.status === 'succeeded' || r.status === 'failed' || r.status === 'dead',
  );
  const ok = finished.filter((r) => r.status === 'succeeded');
  const durations = finished
    .map((r) => r.durationMs)
    .filter((d): d is number => typeof d === 'number')
    .sort((a, b) => a - b);
  return {
    successRate: finished.length ? ok.length / finished.length : null,
    p50: percentile(durations, 0.5),
    p99: percentile(durations, 0.99),
    queueDepth: runs.filter((r) => r.status === 'queued' || r.status === 'running').length,
    lagSeconds: null,
    duplicates: null,
    quota: '—',
    backoff: '—',
    budget: '—',
    lastSuccessAt:
      ok
        .map((r) => r.finishedAt ?? r.createdAt)
        .filter((t): t is string => typeof t === 'string')
        .sort()
        .at(-1) ?? null,
  };
}
