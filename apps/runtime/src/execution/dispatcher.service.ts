import { hostname } from 'node:os';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { newId, randomToken, sha256 } from '../common/ids.js';
import { LOGGER } from '../common/logger.js';
import { RUNTIME_CONFIG } from '../config/config.js';
import type { RuntimeConfig } from '../config/config.js';
import { DomainError } from '../common/domain-error.js';
import { InstallationService } from '../installations/installation.service.js';
import type { RunnableInstallation } from '../installations/installation.service.js';
import { PLATFORM } from '../platform/ports.js';
import type { ItemOutcome, Platform, RunResult } from '../platform/ports.js';
import type { AttemptEntity } from './attempt.entity.js';
import type { BatchItemOutcome } from './batch.entity.js';
import { classify } from './classify.js';
import type { EventEntity, EventState } from './event.entity.js';
import { EventRepository } from './event.repository.js';
import { ExecutorService } from './executor.service.js';
import { intakePressure } from './intake-pressure.js';
import { QUEUE } from './queue.js';
import type { WorkKick, WorkQueue } from './queue.js';
import { RunRepository } from './run.repository.js';
import { PayloadMigrationService } from '../versioning/payload-migration.service.js';
import { RunObserver } from '../observability/run-observer.service.js';

interface ActionShape {
  urgency?: 'realtime' | 'batched';
  batch?: { maxItems?: number; maxWaitMs?: number };
}

export interface BatchPlan {
  batched: boolean;
  maxItems: number;
  maxWaitMs: number;
}

export function planFor(definition: Record<string, unknown>, action: string): BatchPlan | null {
  const actions = (definition.actions ?? {}) as Record<string, ActionShape>;
  const shape = actions[action];
  if (!shape) return null;
  if (shape.urgency !== 'batched') return { batched: false, maxItems: 1, maxWaitMs: 0 };
  const partnerMax = (definition.limits as { batch?: { maxItems?: number } } | undefined)?.batch
    ?.maxItems;
  const maxItems = Math.max(
    1,
    Math.min(shape.batch?.maxItems ?? 100, partnerMax ?? Number.MAX_SAFE_INTEGER),
  );
  return { batched: true, maxItems, maxWaitMs: shape.batch?.maxWaitMs ?? 1000 };
}

/** Full-jitter exponential backoff for item redelivery: random(0, min(cap, base * 2^n)). */
export function redeliveryDelay(attempt: number): number {
  return Math.round(Math.random() * Math.min(30_000, 500 * 2 ** Math.max(0, attempt - 1)));
}

/**
 * Takes due items from the events table under a lease and runs them: realtime actions one run per
 * item, batched actions one run per batch. The same code serves the embedded in-process loop and
 * cluster workers; the lease (not the queue) is what stops two processes running an item at once.
 */
@Injectable()
export class DispatcherService {
  readonly owner = `${hostname()}:${process.pid}:${randomToken(4)}`;
  private readonly busy = new Map<string, boolean>();
  private readonly inflight = new Set<Promise<void>>();
  private stopped = false;

  constructor(
    @Inject(EventRepository) private readonly events: EventRepository,
    @Inject(RunRepository) private readonly runs: RunRepository,
    @Inject(InstallationService) private readonly installations: InstallationService,
    @Inject(ExecutorService) private readonly executor: ExecutorService,
    @Inject(PayloadMigrationService) private readonly migrations: PayloadMigrationService,
    @Inject(QUEUE) private readonly queue: WorkQueue,
    @Inject(PLATFORM) private readonly platform: Platform,
    @Inject(RUNTIME_CONFIG) private readonly config: RuntimeConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(RunObserver) private readonly observer: RunObserver,
  ) {}

  stop(): void {
    this.stopped = true;
  }

  async idle(): Promise<void> {
    await Promise.allSettled([...this.inflight]);
  }

  /** One pass over every group with due items (embedded loop and cluster sweeper). */
  async sweep(mode: 'run' | 'kick'): Promise<void> {
    const groups = await this.events.dueGroups(Date.now());
    if (mode === 'kick') {
      if (groups.length > 0)
        await this.queue.kick(
          groups.map((g) => ({ installationId: g.installationId, action: g.action })),
        );
      return;
    }
    for (const group of groups) {
      const key = `${group.installationId}/${group.action}`;
      if (this.busy.has(key)) continue;
      const task = this.drain(group).catch((error: unknown) =>
        this.logger.error(
          {
            err: error instanceof Error ? error.message : String(error),
            installationId: group.installationId,
          },
          'dispatch failed',
        ),
      );
      this.inflight.add(task);
      void task.finally(() => this.inflight.delete(task));
    }
  }

  /** Runs one group until it has no due items left; concurrent calls for a group fold into one. */
  async drain(kick: WorkKick): Promise<void> {
    const key = `${kick.installationId}/${kick.action}`;
    if (this.busy.has(key)) {
      this.busy.set(key, true);
      return;
    }
    this.busy.set(key, false);
    try {
      let again = true;
      while (again && !this.stopped) {
        this.busy.set(key, false);
        again = await this.drainOnce(kick);
        if (this.busy.get(key)) again = true;
      }
    } finally {
      this.busy.delete(key);
    }
  }

  private async drainOnce(kick: WorkKick): Promise<boolean> {
    let runnable: RunnableInstallation;
    try {
      runnable = await this.installations.runnable(kick.installationId);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'INSTALLATION_NOT_FOUND') return false;
      throw error;
    }
    if (runnable.installation.status !== 'enabled') return false;
    const plan = planFor(runnable.definition, kick.action) ?? {
      batched: false,
      maxItems: 1,
      maxWaitMs: 0,
    };
    if (plan.batched) {
      const group = await this.events.dueInGroup(kick, Date.now(), plan.maxItems);
      if (!group) return false;
      const age = Date.now() - group.oldest;
      if (group.count < plan.maxItems && age < plan.maxWaitMs) {
        // Not full and not old enough: come back when the oldest item's wait is over (the embedded
        // loop looks again on its own next tick).
        if (this.queue.durable) await this.queue.kick([kick], plan.maxWaitMs - age + 5);
        return false;
      }
      const claimed = await this.events.claim(kick, this.owner, this.config.leaseMs, plan.maxItems);
      if (claimed.length === 0) return false;
      await intakePressure.turn();
      await this.runBatch(runnable, kick.action, claimed);
      return true;
    }
    const claimed = await this.events.claim(
      kick,
      this.owner,
      this.config.leaseMs,
      Math.max(1, this.config.workerConcurrency * 2),
    );
    if (claimed.length === 0) return false;
    await runLimited(claimed, Math.max(1, this.config.workerConcurrency), (event) =>
      this.runSingle(runnable, event),
    );
    return true;
  }

  private async runSingle(runnable: RunnableInstallation, event: EventEntity): Promise<void> {
    const startedAt = Date.now();
    const { run, result } = await this.executor.execute({
      runnable,
      action: event.action,
      kind: 'event',
      // An item stored before a major upgrade (a replay, or still queued) runs in the new shape.
      input: await this.migrations.stored(runnable.connector, event),
      correlationId: event.correlationId,
      eventId: event.id,
      idempotencyKey: event.idempotencyKey,
      attempt: event.attempts,
      ...scheduleResume(event),
    });
    const outcome: ItemOutcome =
      result.status === 'succeeded'
        ? { index: 0, status: 'ok', output: result.output }
        : {
            index: 0,
            status: 'failed',
            error: {
              code: result.error?.code ?? 'INTERNAL',
              message: result.error?.message ?? 'failed',
            },
          };
    await this.settle(
      event,
      outcome,
      run.id,
      null,
      startedAt,
      lastStatus(result),
      runnable.installation.connectorId,
      policyDeferral(result),
    );
  }

  private async runBatch(
    runnable: RunnableInstallation,
    action: string,
    claimed: EventEntity[],
  ): Promise<void> {
    const startedAt = Date.now();
    const batchId = newId('bat');
    const checksum = `sha256:${sha256(claimed.map((e) => `${e.id}:${e.bodyHash}`).join('\n'))}`;
    const correlationId = claimed[0]?.correlationId ?? batchId;
    this.observer.batchFormed(runnable.installation.connectorId, action, claimed.length);
    await this.runs.insertBatch({
      id: batchId,
      tenantId: runnable.installation.tenantId,
      installationId: runnable.installation.id,
      connectorVersion: runnable.installation.version,
      action,
      eventIds: claimed.map((e) => e.id),
      checksum,
      size: claimed.length,
      status: 'running',
      outcomes: null,
      runId: null,
      correlationId,
      createdAt: startedAt,
      finishedAt: null,
    });
    const { run, result } = await this.executor.execute({
      runnable,
      action,
      kind: 'batch',
      items: await Promise.all(claimed.map((e) => this.migrations.stored(runnable.connector, e))),
      correlationId,
      batchId,
      idempotencyKey: checksum,
      itemKeys: claimed.map((e) => e.idempotencyKey),
      attempt: Math.max(...claimed.map((e) => e.attempts)),
    });
    const outcomes: BatchItemOutcome[] = claimed.map((event, index) => {
      const item = result.items?.find((i) => i.index === index);
      if (item) return { ...item, index, eventId: event.id };
      if (result.status === 'succeeded')
        return {
          index,
          eventId: event.id,
          status: 'failed',
          error: {
            code: 'OUTPUT_SCHEMA_MISMATCH',
            message: 'the batch answered no outcome for this item',
          },
        };
      return {
        index,
        eventId: event.id,
        status: 'failed',
        error: {
          code: result.error?.code ?? 'INTERNAL',
          message: result.error?.message ?? 'the batch failed',
        },
      };
    });
    const failed = outcomes.filter((o) => o.status === 'failed').length;
    await this.runs.updateBatch(batchId, {
      status: failed === 0 ? 'succeeded' : failed === outcomes.length ? 'failed' : 'partial',
      outcomes,
      runId: run.id,
      finishedAt: Date.now(),
    });
    const status = lastStatus(result);
    const deferral = policyDeferral(result);
    for (const [index, event] of claimed.entries()) {
      await this.settle(
        event,
        outcomes[index]!,
        run.id,
        batchId,
        startedAt,
        status,
        runnable.installation.connectorId,
        deferral,
      );
    }
  }

  private async settle(
    event: EventEntity,
    outcome: ItemOutcome,
    runId: string,
    batchId: string | null,
    startedAt: number,
    partnerStatus: number | null,
    connectorId: string,
    deferral: Deferral | null = null,
  ): Promise<void> {
    let state: EventState = 'succeeded';
    let nextAttemptAt: number | undefined;
    let refundAttempt = false;
    if (outcome.status === 'failed') {
      const code = outcome.error?.code ?? 'INTERNAL';
      const errorClass = classify(this.platform, code);
      // A spent retry budget fails fast (replayable) instead of piling more load on the partner.
      const retryable = errorClass !== 'permanent' && code !== 'RETRY_BUDGET_EXHAUSTED';
      if (deferral && code === 'RATE_LIMITED') {
        // Our own egress policy refused the call after its bounded wait: the item has not failed,
        // it waits for its turn and keeps its attempt.
        state = 'queued';
        nextAttemptAt = Date.now() + deferral.retryAfterMs;
        refundAttempt = true;
      } else if (retryable && scheduleResume(event).firstCallAttempt !== undefined) {
        // The run resumed a retry schedule and failed its last step: the schedule is the retry
        // policy of this item, so it ends here instead of starting over on redelivery.
        state = 'dead';
      } else if (retryable && event.attempts < this.config.maxAttempts) {
        state = 'queued';
        nextAttemptAt = Date.now() + redeliveryDelay(event.attempts);
      } else {
        state = retryable ? 'dead' : 'failed';
      }
    }
    const attempt: AttemptEntity = {
      id: newId('att'),
      eventId: event.id,
      runId,
      batchId,
      attempt: event.attempts,
      worker: this.owner,
      status: outcome.status === 'ok' ? 'succeeded' : 'failed',
      error: outcome.error ?? null,
      partnerStatus,
      startedAt,
      finishedAt: Date.now(),
      correlationId: event.correlationId,
    };
    await this.runs.insertAttempts([attempt]);
    this.observer.itemSettled(
      connectorId,
      event.action,
      {
        ok: outcome.status === 'ok',
        code: outcome.error?.code,
        errorClass: outcome.error ? classify(this.platform, outcome.error.code) : undefined,
      },
      state,
      event.createdAt,
    );
    const kept = await this.events.finish(event.id, this.owner, {
      state,
      output: outcome.output,
      error:
        outcome.status === 'failed'
          ? {
              ...outcome.error,
              class: classify(this.platform, outcome.error?.code ?? 'INTERNAL'),
              ...(deferral?.nextCallAttempt ? { nextCallAttempt: deferral.nextCallAttempt } : {}),
            }
          : null,
      nextAttemptAt,
      lastRunId: runId,
      lastBatchId: batchId,
      refundAttempt,
    });
    if (!kept)
      this.logger.warn(
        { eventId: event.id, runId },
        'lease lost before the outcome was written; another process owns the item now',
      );
    if (state === 'queued' && nextAttemptAt && this.queue.durable) {
      await this.queue.kick(
        [{ installationId: event.installationId, action: event.action }],
        nextAttemptAt - Date.now() + 5,
      );
    }
  }
}

/**
 * A run the egress policy stopped before the partner call (RATE_LIMITED after the bounded wait, or
 * its store unreachable): the engine marks those with `details.policyCode`. A partner's own 429
 * has no policyCode and is retried like any transient failure.
 */
interface Deferral {
  retryAfterMs: number;
  /** Set when a `limits.retry.scheduleMs` step re-queued the item: the attempt it resumes with. */
  nextCallAttempt?: number;
}

function policyDeferral(result: RunResult): Deferral | null {
  const details = result.error?.details as
    | {
        policyCode?: unknown;
        retryAfterMs?: unknown;
        retrySchedule?: unknown;
        nextAttempt?: unknown;
      }
    | undefined;
  if (result.error?.code !== 'RATE_LIMITED' || typeof details?.policyCode !== 'string') return null;
  const retryAfterMs = typeof details.retryAfterMs === 'number' ? details.retryAfterMs : 1000;
  if (details.retrySchedule === true && typeof details.nextAttempt === 'number') {
    // A schedule step (minutes or hours) waits its full time, not the 5-minute deferral cap.
    return { retryAfterMs: Math.max(retryAfterMs, 50), nextCallAttempt: details.nextAttempt };
  }
  return { retryAfterMs: Math.min(Math.max(retryAfterMs, 50), 300_000) };
}

/** The stored item says where its retry schedule resumes, if a schedule step re-queued it. */
function scheduleResume(event: EventEntity): { firstCallAttempt?: number } {
  const next = (event.error as { nextCallAttempt?: unknown } | null)?.nextCallAttempt;
  return typeof next === 'number' && next > 1 ? { firstCallAttempt: next } : {};
}

function lastStatus(result: RunResult): number | null {
  const calls = result.calls ?? [];
  const last = calls[calls.length - 1];
  return typeof last?.status === 'number' ? last.status : null;
}

async function runLimited<T>(
  items: T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await intakePressure.turn();
      await work(item);
    }
  });
  await Promise.all(lanes);
}
