import { hostname } from 'node:os';
import { Inject, Injectable } from '@nestjs/common';
import type { OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import type { Principal } from '../auth/principal.js';
import { newId } from '../common/ids.js';
import { LOGGER } from '../common/logger.js';
import { RUNTIME_CONFIG } from '../config/config.js';
import type { RuntimeConfig } from '../config/config.js';
import { AlertNotifier } from './alert-notifier.js';
import { ALERT_RULES, DEFAULT_THRESHOLDS, RUNBOOK, SEVERITY, isGrowing } from './alert-rules.js';
import type { AlertRule, AlertThresholds, DepthSample, Finding } from './alert-rules.js';
import { MetricsService } from './metrics.service.js';
import { ObservabilityRepository } from './observability.repository.js';
import type { AlertRow } from './observability.repository.js';
import { objectivesFrom, windowFigures } from './slo.js';
import { iso } from '../common/iso.js';

const HOUR = 3_600_000;
const SHORT_BURN_WINDOW = 5 * 60_000;

export function alertView(a: AlertRow) {
  return {
    id: a.id,
    rule: a.rule,
    key: a.key,
    state: a.state,
    severity: a.severity,
    since: iso(a.since),
    resolvedAt: iso(a.resolvedAt),
    tenantId: a.tenantId,
    installationId: a.installationId,
    summary: a.summary,
    details: a.details,
    runbook: RUNBOOK[a.rule as AlertRule] ?? 'docs/runbooks/README.md',
  };
}

/** Evaluates every rule on a timer, keeps one row per alert episode, notifies state changes. */
@Injectable()
export class AlertService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly thresholds: AlertThresholds;
  private readonly depthSamples = new Map<string, DepthSample[]>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private readonly owner = `${hostname()}:${process.pid}:${newId('lease')}`;

  constructor(
    @Inject(ObservabilityRepository) private readonly repository: ObservabilityRepository,
    @Inject(AlertNotifier) private readonly notifier: AlertNotifier,
    @Inject(MetricsService) private readonly metrics: MetricsService,
    @Inject(RUNTIME_CONFIG) private readonly config: RuntimeConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.thresholds = {
      ...DEFAULT_THRESHOLDS,
      lagSeconds: config.alertLagSeconds,
      queueGrowthMs: config.alertQueueGrowthMinutes * 60_000,
    };
  }

  onApplicationBootstrap(): void {
    const tick = () => {
      this.running = this.evaluate()
        .catch((error: unknown) =>
          this.logger.error(
            { err: error instanceof Error ? error.message : String(error) },
            'alert evaluation failed',
          ),
        )
        .finally(() => {
          this.running = undefined;
          if (!this.stopped) this.timer = setTimeout(tick, this.config.alertIntervalMs).unref();
        });
    };
    this.timer = setTimeout(tick, this.config.alertIntervalMs).unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  async list(principal: Principal, state?: string) {
    const rows = await this.repository.listAlerts(principal.tenantId, {
      state: state === 'firing' || state === 'resolved' ? state : undefined,
      since: Date.now() - 24 * HOUR,
    });
    return rows.map(alertView);
  }

  /** One pass over every rule, by the one process holding the evaluator lease. */
  async evaluate(now = Date.now()): Promise<void> {
    // The lease outlives a few missed turns, so a paused holder is not replaced at once.
    const ttl = Math.max(this.config.alertIntervalMs * 3, 5000);
    if (!(await this.repository.holdLease('alert-evaluator', this.owner, now, ttl))) {
      // Another process evaluates; depth samples restart if this one takes over later.
      this.depthSamples.clear();
      return;
    }
    const findings = await this.findings(now);
    const open = await this.repository.openAlerts();
    const openByKey = new Map(open.map((a) => [`${a.rule} ${a.key}`, a]));
    const seen = new Set<string>();
    for (const finding of findings) {
      const id = `${finding.rule} ${finding.key}`;
      seen.add(id);
      const current = openByKey.get(id);
      if (current) {
        await this.repository.updateAlert(current.id, {
          state: 'firing',
          summary: finding.summary,
          details: finding.details,
          resolvedAt: null,
          updatedAt: now,
        });
        continue;
      }
      const alert: AlertRow = {
        id: newId('alr'),
        rule: finding.rule,
        key: finding.key,
        tenantId: finding.tenantId,
        installationId: finding.installationId,
        severity: SEVERITY[finding.rule],
        state: 'firing',
        summary: finding.summary,
        details: finding.details,
        since: now,
        resolvedAt: null,
        updatedAt: now,
      };
      await this.repository.insertAlert(alert);
      this.logger.warn(
        {
          alertId: alert.id,
          rule: alert.rule,
          key: alert.key,
          installationId: alert.installationId,
        },
        `alert firing: ${alert.summary}`,
      );
      await this.notifier.notify(alertView(alert));
    }
    for (const alert of open) {
      if (seen.has(`${alert.rule} ${alert.key}`)) continue;
      const resolved: AlertRow = { ...alert, state: 'resolved', resolvedAt: now, updatedAt: now };
      await this.repository.updateAlert(alert.id, resolved);
      this.logger.info(
        {
          alertId: alert.id,
          rule: alert.rule,
          key: alert.key,
          installationId: alert.installationId,
        },
        `alert resolved: ${alert.summary}`,
      );
      await this.notifier.notify(alertView(resolved));
    }
    const firing = new Map<string, number>(ALERT_RULES.map((r) => [r, 0]));
    for (const f of findings) firing.set(f.rule, (firing.get(f.rule) ?? 0) + 1);
    for (const [rule, n] of firing) this.metrics.alertsFiring.set({ rule }, n);
  }

  private async findings(now: number): Promise<Finding[]> {
    const t = this.thresholds;
    const findings: Finding[] = [];

    // Queue depth and lag, per installation and action.
    const queues = await this.repository.installationQueues();
    const present = new Set<string>();
    for (const q of queues) {
      const key = `${q.installationId}/${q.action}`;
      present.add(key);
      const samples = this.depthSamples.get(key) ?? [];
      samples.push({ at: now, depth: q.depth });
      while (samples.length > 0 && samples[0]!.at < now - t.queueGrowthMs * 1.5) samples.shift();
      this.depthSamples.set(key, samples);
      const base = { key, tenantId: q.tenantId, installationId: q.installationId };
      if (isGrowing(samples, t, now)) {
        findings.push({
          ...base,
          rule: 'queue-growth',
          summary: `${q.action} backlog of ${q.installationId} grew from ${samples[0]!.depth} to ${q.depth} items over ${Math.round((now - samples[0]!.at) / 60_000)} min`,
          details: {
            action: q.action,
            depth: q.depth,
            from: samples[0]!.depth,
            since: iso(samples[0]!.at),
          },
        });
      }
      const lagSeconds = Math.round((now - q.oldest) / 1000);
      if (lagSeconds > t.lagSeconds) {
        findings.push({
          ...base,
          rule: 'consumer-lag',
          summary: `the oldest ${q.action} item of ${q.installationId} has waited ${lagSeconds} s (threshold ${t.lagSeconds} s)`,
          details: { action: q.action, lagSeconds, depth: q.depth, threshold: t.lagSeconds },
        });
      }
    }
    // An emptied queue records a zero, so a queue that drains and refills is not "growing".
    for (const [key, samples] of this.depthSamples) {
      if (present.has(key)) continue;
      samples.push({ at: now, depth: 0 });
      if (samples.every((s) => s.depth === 0)) this.depthSamples.delete(key);
    }

    // Batch success over the window, per installation and action.
    const batches = await this.repository.batchesSince(now - t.batchWindowMs);
    const byGroup = new Map<
      string,
      { tenantId: string; installationId: string; action: string; items: number; failed: number }
    >();
    for (const b of batches) {
      const key = `${b.installationId}/${b.action}`;
      const g = byGroup.get(key) ?? {
        tenantId: b.tenantId,
        installationId: b.installationId,
        action: b.action,
        items: 0,
        failed: 0,
      };
      g.items += b.size;
      g.failed += b.failed;
      byGroup.set(key, g);
    }
    for (const [key, g] of byGroup) {
      const ratio = (g.items - g.failed) / g.items;
      if (g.items >= t.batchMinItems && ratio < t.batchSuccessRatio) {
        findings.push({
          rule: 'batch-success',
          key,
          tenantId: g.tenantId,
          installationId: g.installationId,
          summary: `only ${Math.round(ratio * 1000) / 10}% of ${g.items} ${g.action} batch items succeeded in ${t.batchWindowMs / 60_000} min (threshold ${t.batchSuccessRatio * 100}%)`,
          details: { action: g.action, items: g.items, failed: g.failed, successRatio: ratio },
        });
      }
    }

    // Retry spikes, per installation.
    const attempts = await this.repository.attemptCounts(now - t.retryWindowMs);
    const tenants = await this.repository.tenantsOf(attempts.map((a) => a.installationId));
    for (const a of attempts) {
      if (a.retries >= t.retryMin && a.retries / a.attempts >= t.retryRatio) {
        findings.push({
          rule: 'retry-spike',
          key: a.installationId,
          tenantId: tenants.get(a.installationId) ?? null,
          installationId: a.installationId,
          summary: `${a.retries} of ${a.attempts} attempts of ${a.installationId} in ${t.retryWindowMs / 60_000} min were retries`,
          details: { attempts: a.attempts, retries: a.retries, failed: a.failed },
        });
      }
    }

    // Live outputs that broke the output schema, until clean outputs follow.
    for (const m of await this.repository.latestMismatches(now - 24 * HOUR)) {
      const clean = await this.repository.cleanRunsAfter(m.installationId, m.action, m.last);
      if (clean >= t.mismatchClearRuns) continue;
      findings.push({
        rule: 'schema-mismatch',
        key: `${m.installationId}/${m.action}`,
        tenantId: m.tenantId,
        installationId: m.installationId,
        summary: `${m.count} ${m.action} output(s) of ${m.installationId} did not match the output schema in 24 h; last at ${iso(m.last)}`,
        details: {
          action: m.action,
          mismatches: m.count,
          lastAt: iso(m.last),
          cleanRunsSince: clean,
        },
      });
    }

    // Error-budget burn: both the hour and the last 5 minutes burn fast (a past spike that stopped
    // does not page; a single failure among few items never reaches the minimum volume).
    const settled = await this.repository.settled(now - HOUR);
    const perInstallation = new Map<string, typeof settled>();
    for (const s of settled)
      perInstallation.set(s.installationId, [...(perInstallation.get(s.installationId) ?? []), s]);
    const owners = await this.repository.tenantsOf([...perInstallation.keys()]);
    const stored = await this.repository.sloObjectives([...perInstallation.keys()]);
    for (const [installationId, items] of perInstallation) {
      if (items.length < t.burnMinItems) continue;
      const objectives = objectivesFrom(stored.get(installationId));
      const hour = windowFigures(items, objectives);
      const recent = windowFigures(
        items.filter((i) => i.updatedAt >= now - SHORT_BURN_WINDOW),
        objectives,
      );
      const burning = (['success', 'latency'] as const).filter(
        (k) => hour.burnRate[k] >= t.burnRate && recent.burnRate[k] >= t.burnRate,
      );
      if (burning.length === 0) continue;
      findings.push({
        rule: 'slo-burn',
        key: installationId,
        tenantId: owners.get(installationId) ?? null,
        installationId,
        summary: `${installationId} burns its ${burning.join(' and ')} error budget at ${Math.max(...burning.map((k) => hour.burnRate[k]))}x over 1 h`,
        details: {
          burning,
          hour: hour.burnRate,
          last5m: recent.burnRate,
          budgetLeft1h: hour.errorBudgetLeft,
        },
      });
    }
    // OAuth grants refused on refresh: the installation's deliveries wait for a Reconnect.
    for (const i of await this.repository.needingReauth()) {
      findings.push({
        rule: 'needs-reauth',
        key: i.id,
        tenantId: i.tenantId,
        installationId: i.id,
        summary: `${i.id} lost its OAuth grant (invalid_grant on refresh) and holds its deliveries until it is reconnected`,
        details: { since: iso(i.since) },
      });
    }
    return findings;
  }
}
