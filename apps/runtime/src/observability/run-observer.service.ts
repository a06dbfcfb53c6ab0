import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { newId } from '../common/ids.js';
import { check, connectorSchema } from '../common/json-schema.js';
import type { PointerIssue } from '../common/json-schema.js';
import { LOGGER } from '../common/logger.js';
import type { RunnableInstallation } from '../installations/installation.service.js';
import type { RunResult } from '../platform/ports.js';
import { MetricsService } from './metrics.service.js';
import { ObservabilityRepository } from './observability.repository.js';
import { policyEvents } from './policy-events.js';
import { logContext } from './correlation.js';
import { releaseRunSensitive, rememberRunSensitive } from './secret-scrubber.js';
import { sensitiveValues } from './sensitive-values.js';
import type { MismatchRow } from './observability.repository.js';

const BREACHES: Record<string, string> = {
  SANDBOX_TIMEOUT: 'timeout',
  SANDBOX_MEMORY: 'memory',
  SANDBOX_OUTPUT_TOO_LARGE: 'output_too_large',
  SANDBOX_CALL_BUDGET: 'call_budget',
  SANDBOX_ERROR: 'error',
};

const MAX_TRACKED_INSTALLATIONS = 10_000;

function statusClass(status: number | undefined): string {
  return typeof status === 'number' ? `${Math.floor(status / 100)}xx` : 'none';
}

/** The shape of packages/policies' PolicyEvent that metrics need (kept structural: no import). */
export interface PolicyEventLike {
  type: string;
  ctx: { connectorId: string };
  ms?: number;
  blockedBy?: string;
  status?: number;
}

/**
 * The one place execution reports what happened, so intake, dispatcher and executor each need a
 * single call: it turns outcomes into metrics, checks live outputs against the output schema and
 * keeps the per-installation intake counts the health view shows.
 */
@Injectable()
export class RunObserver {
  private readonly intakeCounts = new Map<string, { offered: number; duplicates: number }>();

  constructor(
    @Inject(MetricsService) private readonly metrics: MetricsService,
    @Inject(ObservabilityRepository) private readonly repository: ObservabilityRepository,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    policyEvents.listener = (event) => this.policyEvent(event);
  }

  httpAnswered(method: string, route: string, status: number, seconds: number): void {
    this.metrics.httpRequests.inc({ method, route, status: statusClass(status) });
    this.metrics.httpDuration.observe({ method, route }, seconds);
  }

  intakeAnswered(
    connectorId: string,
    installationId: string,
    answers: Array<{ status: string }>,
    replayed: boolean,
    startedAt: number,
  ): void {
    let duplicates = 0;
    for (const answer of answers) {
      // A repeated single event is answered from the stored first answer, which says "accepted".
      const status = replayed ? 'duplicate' : answer.status;
      this.metrics.intakeEvents.inc({ connector: connectorId, status });
      if (status === 'duplicate') duplicates += 1;
    }
    if (duplicates > 0)
      this.metrics.duplicates.inc({ connector: connectorId, source: 'intake' }, duplicates);
    this.metrics.intakeDuration.observe(
      { connector: connectorId },
      (Date.now() - startedAt) / 1000,
    );
    let counts = this.intakeCounts.get(installationId);
    if (!counts) {
      if (this.intakeCounts.size >= MAX_TRACKED_INSTALLATIONS)
        this.intakeCounts.delete(this.intakeCounts.keys().next().value as string);
      counts = { offered: 0, duplicates: 0 };
      this.intakeCounts.set(installationId, counts);
    }
    counts.offered += answers.length;
    counts.duplicates += duplicates;
  }

  /** Events offered to this process's intake for an installation since start, and how many were duplicates. */
  intakeOf(installationId: string): { offered: number; duplicates: number } {
    return this.intakeCounts.get(installationId) ?? { offered: 0, duplicates: 0 };
  }

  batchFormed(connectorId: string, action: string, size: number): void {
    this.metrics.batchSize.observe({ connector: connectorId, action }, size);
  }

  /** One item's attempt ended; `state` is where the item goes next. */
  itemSettled(
    connectorId: string,
    action: string,
    outcome: { ok: boolean; code?: string; errorClass?: string },
    state: string,
    acceptedAt: number,
  ): void {
    const labels = { connector: connectorId, action };
    this.metrics.outcomes.inc({
      ...labels,
      outcome: outcome.ok ? 'success' : (outcome.errorClass ?? 'system'),
    });
    if (outcome.ok) this.metrics.deliveryLatency.observe(labels, (Date.now() - acceptedAt) / 1000);
    if (state === 'queued')
      this.metrics.retries.inc({ connector: connectorId, reason: 'redelivery' });
  }

  /** Fed by `policyEvents` (createPolicies({ egress: { onEvent: policyEvents.emit } })). */
  policyEvent(event: PolicyEventLike): void {
    const connector = event.ctx.connectorId;
    switch (event.type) {
      case 'waited':
        this.metrics.rateLimitWaits.inc({ connector, blocked_by: event.blockedBy ?? 'rate' });
        this.metrics.rateLimitWaitSeconds.observe({ connector }, (event.ms ?? 0) / 1000);
        break;
      case 'rate-limited':
        this.metrics.rateLimitWaits.inc({ connector, blocked_by: 'refused' });
        break;
      case 'retry-budget-exhausted':
        this.metrics.budgetExhausted.inc({ connector });
        break;
      case 'partner-throttled':
        this.metrics.partnerThrottled.inc({ connector, status: String(event.status ?? 'none') });
        break;
      default:
        break;
    }
  }

  /** Before a run: values its definition marks `sensitive` are erased from the lines of this run. */
  runStarting(
    runnable: RunnableInstallation,
    action: string,
    work: { input?: unknown; items?: unknown[] },
  ): void {
    const runId = logContext()?.runId;
    if (!runId) return;
    rememberRunSensitive(
      runId,
      sensitiveValues(runnable.definition, action, runnable.installation.config, work).filter(
        (v) => v.length >= 4,
      ),
    );
  }

  /** A run ended (any kind): partner calls, sandbox time and breaches, and the output schema check. */
  async runFinished(
    runnable: RunnableInstallation,
    run: { id: string; action: string; kind: string; correlationId: string },
    result: RunResult,
  ): Promise<void> {
    releaseRunSensitive(run.id);
    const { installation, connector, definition } = runnable;
    const connectorId = installation.connectorId;
    const calls = result.calls ?? [];
    for (const call of calls) {
      // One line per partner request (a retry inside the attempt included); no query, no body.
      this.logger.info(
        {
          callAttempt: call.attempt,
          method: call.method,
          url: call.url.split('?')[0],
          status: call.status,
          outcome: call.outcome,
          durationMs: call.durationMs,
        },
        'partner call',
      );
      this.metrics.partnerCalls.inc({
        connector: connectorId,
        outcome: call.outcome ?? 'error',
        status: statusClass(call.status),
      });
      if (call.attempt > 1) this.metrics.retries.inc({ connector: connectorId, reason: 'partner' });
    }
    const callMs = calls.reduce((sum, c) => sum + (c.durationMs ?? 0), 0);
    this.metrics.sandboxSeconds.observe(
      { connector: connectorId, action: run.action },
      Math.max(0, (result.durationMs ?? 0) - callMs) / 1000,
    );
    const code = result.error?.code;
    const breach = code ? BREACHES[code] : undefined;
    if (breach) this.metrics.sandboxBreaches.inc({ connector: connectorId, limit: breach });
    this.metrics.runs.inc({
      connector: connectorId,
      action: run.action,
      kind: run.kind,
      outcome: result.status === 'succeeded' ? 'success' : (result.error?.class ?? 'system'),
    });
    if (result.status !== 'succeeded') return;

    const actions = (definition.actions ?? {}) as Record<string, { output?: unknown }>;
    const declared = actions[run.action]?.output;
    if (!declared || typeof declared !== 'object') return;
    const schema = connectorSchema(connector, `actions/${run.action}/output`, declared);
    const found: Array<{ index: number | null; issues: PointerIssue[] }> = [];
    if (result.items) {
      for (const item of result.items) {
        if (item.status !== 'ok') continue;
        const issues = check(schema, item.output ?? null);
        if (issues.length > 0) found.push({ index: item.index, issues });
      }
    } else {
      const issues = check(schema, result.output ?? null);
      if (issues.length > 0) found.push({ index: null, issues });
    }
    if (found.length === 0) return;
    this.metrics.schemaMismatches.inc({ connector: connectorId, action: run.action }, found.length);
    const now = Date.now();
    const rows: MismatchRow[] = found.map((f) => ({
      id: newId('omm'),
      tenantId: installation.tenantId,
      installationId: installation.id,
      connectorId,
      connectorVersion: installation.version,
      action: run.action,
      runId: run.id,
      correlationId: run.correlationId,
      itemIndex: f.index,
      issues: f.issues.slice(0, 20),
      createdAt: now,
    }));
    this.logger.warn(
      {
        runId: run.id,
        action: run.action,
        mismatches: found.length,
        firstIssue: found[0]!.issues[0],
      },
      'live output does not match the action output schema',
    );
    try {
      await this.repository.insertMismatches(rows);
    } catch (error) {
      // The run itself is recorded; losing a mismatch row only delays the alert.
      this.logger.error(
        { err: error instanceof Error ? error.message : String(error), runId: run.id },
        'could not record an output schema mismatch',
      );
    }
  }
}
