// Alerts fire on symptoms a customer would feel (work piling up, work late, work failing, outputs
// wrong), never on one failure: every rule needs a minimum volume or a sustained condition.

export type AlertRule =
  | 'queue-growth'
  | 'consumer-lag'
  | 'batch-success'
  | 'retry-spike'
  | 'schema-mismatch'
  | 'slo-burn'
  | 'needs-reauth';

export const ALERT_RULES: AlertRule[] = [
  'queue-growth',
  'consumer-lag',
  'batch-success',
  'retry-spike',
  'schema-mismatch',
  'slo-burn',
  'needs-reauth',
];

export interface AlertThresholds {
  /** queue-growth: the depth of one installation's action grew over this long... */
  queueGrowthMs: number;
  /** ...and is at least this deep. */
  queueGrowthMinDepth: number;
  /** consumer-lag: the oldest item owed work is older than this. */
  lagSeconds: number;
  /** batch-success: share of batch items that ended ok over the window is below this... */
  batchSuccessRatio: number;
  /** ...with at least this many batch items in the window. */
  batchMinItems: number;
  batchWindowMs: number;
  /** retry-spike: at least this many retries in the window... */
  retryMin: number;
  /** ...making up at least this share of all attempts. */
  retryRatio: number;
  retryWindowMs: number;
  /** schema-mismatch: resolves after this many succeeded runs with clean outputs since the last mismatch. */
  mismatchClearRuns: number;
  /** slo-burn: burn rate over both the long (1 h) and short (5 min) windows at least this... */
  burnRate: number;
  /** ...with at least this many settled items in the hour. */
  burnMinItems: number;
}

export const DEFAULT_THRESHOLDS: AlertThresholds = {
  queueGrowthMs: 10 * 60_000,
  queueGrowthMinDepth: 50,
  lagSeconds: 300,
  batchSuccessRatio: 0.9,
  batchMinItems: 20,
  batchWindowMs: 15 * 60_000,
  retryMin: 10,
  retryRatio: 0.25,
  retryWindowMs: 5 * 60_000,
  mismatchClearRuns: 3,
  // 14.4x spends 2% of a 30-day budget in one hour (the SRE workbook's fast-burn page).
  burnRate: 14.4,
  burnMinItems: 20,
};

export const SEVERITY: Record<AlertRule, 'warning' | 'critical'> = {
  'queue-growth': 'warning',
  'consumer-lag': 'critical',
  'batch-success': 'critical',
  'retry-spike': 'warning',
  'schema-mismatch': 'warning',
  'slo-burn': 'critical',
  // Deliveries of the installation are paused until a person reconnects it: nothing else fixes it.
  'needs-reauth': 'critical',
};

export const RUNBOOK: Record<AlertRule, string> = {
  'queue-growth': 'docs/runbooks/batch-backlog-growth.md',
  'consumer-lag': 'docs/runbooks/consumer-lag.md',
  'batch-success': 'docs/runbooks/batch-success.md',
  'retry-spike': 'docs/runbooks/retry-spike.md',
  'schema-mismatch': 'docs/runbooks/schema-mismatch.md',
  'slo-burn': 'docs/runbooks/slo-burn.md',
  'needs-reauth': 'docs/runbooks/credential-expiry.md',
};

export interface Finding {
  rule: AlertRule;
  /** Identifies the thing alerted on, e.g. `<installationId>/<action>`. */
  key: string;
  tenantId: string | null;
  installationId: string | null;
  summary: string;
  details: Record<string, unknown>;
}

export interface DepthSample {
  at: number;
  depth: number;
}

/**
 * Growing for the whole window: samples span at least `queueGrowthMs`, the newest is deeper than the
 * oldest, at least three quarters of the steps did not shrink, and the queue is deep enough to matter.
 */
export function isGrowing(samples: DepthSample[], t: AlertThresholds, now: number): boolean {
  const window = samples.filter((s) => s.at >= now - t.queueGrowthMs * 1.5);
  if (window.length < 3) return false;
  const first = window[0]!;
  const last = window[window.length - 1]!;
  if (last.at - first.at < t.queueGrowthMs) return false;
  if (last.depth < t.queueGrowthMinDepth || last.depth <= first.depth) return false;
  let steady = 0;
  for (let i = 1; i < window.length; i++) if (window[i]!.depth >= window[i - 1]!.depth) steady += 1;
  return steady / (window.length - 1) >= 0.75;
}
