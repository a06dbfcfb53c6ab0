import { Inject, Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import type { Principal } from '../auth/principal.js';
import { canSee } from '../auth/principal.js';
import { DomainError } from '../common/domain-error.js';
import { InstallationService } from '../installations/installation.service.js';
import type { AttemptEntity } from './attempt.entity.js';
import { runFailure } from './action.service.js';
import type { EventEntity } from './event.entity.js';
import { EventRepository } from './event.repository.js';
import { ExecutorService } from './executor.service.js';
import { QUEUE } from './queue.js';
import type { WorkQueue } from './queue.js';
import type { RunEntity } from './run.entity.js';
import { RunRepository } from './run.repository.js';
import { iso } from '../common/iso.js';

function attemptView(a: AttemptEntity) {
  return {
    id: a.id,
    eventId: a.eventId,
    runId: a.runId,
    batchId: a.batchId,
    attempt: a.attempt,
    worker: a.worker,
    status: a.status,
    error: a.error,
    partnerStatus: a.partnerStatus,
    startedAt: iso(a.startedAt),
    finishedAt: iso(a.finishedAt),
  };
}

function runSummary(r: RunEntity) {
  return {
    id: r.id,
    tenantId: r.tenantId,
    installationId: r.installationId,
    connectorId: r.connectorId,
    connectorVersion: r.connectorVersion,
    action: r.action,
    kind: r.kind,
    status: r.status,
    eventId: r.eventId,
    batchId: r.batchId,
    replayOf: r.replayOf,
    error: r.error,
    attempt: r.attempt,
    correlationId: r.correlationId,
    durationMs: r.durationMs,
    createdAt: iso(r.createdAt),
    finishedAt: iso(r.finishedAt),
  };
}

export function eventView(e: EventEntity) {
  return {
    id: e.id,
    key: e.idempotencyKey,
    installationId: e.installationId,
    action: e.action,
    state: e.state,
    attempts: e.attempts,
    source: e.source,
    correlationId: e.correlationId,
    lastRunId: e.lastRunId,
    lastBatchId: e.lastBatchId,
    output: e.output,
    error: e.error,
    createdAt: iso(e.createdAt),
    updatedAt: iso(e.updatedAt),
  };
}

@Injectable()
export class RunsService {
  constructor(
    @Inject(RunRepository) private readonly runs: RunRepository,
    @Inject(EventRepository) private readonly events: EventRepository,
    @Inject(InstallationService) private readonly installations: InstallationService,
    @Inject(ExecutorService) private readonly executor: ExecutorService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(QUEUE) private readonly queue: WorkQueue,
  ) {}

  async list(
    principal: Principal,
    query: {
      installationId?: string;
      status?: string;
      eventId?: string;
      correlationId?: string;
      limit?: number;
    },
  ) {
    const rows = await this.runs.listRuns({
      tenantId: principal.tenantId,
      ...query,
      limit: Math.min(query.limit ?? 50, 500),
    });
    return rows.map(runSummary);
  }

  private async findRun(id: string, principal: Principal): Promise<RunEntity> {
    const run = await this.runs.findRun(id);
    if (!run || !canSee(principal, run.tenantId))
      throw new DomainError('RUN_NOT_FOUND', `run ${id} not found`, { id });
    return run;
  }

  async get(id: string, principal: Principal) {
    const run = await this.findRun(id, principal);
    const attempts = run.eventId
      ? await this.runs.attemptsOfEvents([run.eventId])
      : await this.runs.attemptsOfRun(run.id);
    return {
      ...runSummary(run),
      input: run.input,
      output: run.output,
      trace: run.trace,
      calls: run.calls,
      attempts: attempts.map(attemptView),
    };
  }

  async event(id: string, principal: Principal) {
    const event = await this.events.find(id);
    if (!event || !canSee(principal, event.tenantId))
      throw new DomainError('NOT_FOUND', `event ${id} not found`, { id });
    const attempts = await this.runs.attemptsOfEvents([id]);
    return { ...eventView(event), data: event.data, attempts: attempts.map(attemptView) };
  }

  async batch(id: string, principal: Principal) {
    const batch = await this.runs.findBatch(id);
    if (!batch || !canSee(principal, batch.tenantId))
      throw new DomainError('BATCH_NOT_FOUND', `batch ${id} not found`, { id });
    const attempts = await this.runs.attemptsOfBatch(id);
    const events = await this.events.findMany(batch.eventIds);
    const state = new Map(events.map((e) => [e.id, e.state]));
    return {
      id: batch.id,
      installationId: batch.installationId,
      connectorVersion: batch.connectorVersion,
      action: batch.action,
      size: batch.size,
      checksum: batch.checksum,
      status: batch.status,
      runId: batch.runId,
      correlationId: batch.correlationId,
      items: batch.eventIds.map((eventId, index) => ({
        index,
        eventId,
        state: state.get(eventId) ?? null,
        outcome: batch.outcomes?.[index] ?? null,
      })),
      attempts: attempts.map(attemptView),
      createdAt: iso(batch.createdAt),
      finishedAt: iso(batch.finishedAt),
    };
  }

  /** A synchronous run is re-run at once; an event's run puts the event back in the queue. */
  async replayRun(id: string, principal: Principal, correlationId: string) {
    const run = await this.findRun(id, principal);
    await this.audit.record({
      actor: principal,
      tenantId: run.tenantId,
      action: 'run.replayed',
      targetType: 'run',
      targetId: id,
      correlationId,
    });
    if (run.kind === 'action') {
      const runnable = await this.installations.runnable(run.installationId);
      const { run: replay, result } = await this.executor.execute({
        runnable,
        action: run.action,
        kind: 'replay',
        input: run.input,
        correlationId,
        replayOf: run.id,
      });
      if (result.status !== 'succeeded') throw runFailure(replay.id, result.error);
      return { runId: replay.id, output: result.output ?? null, replayOf: run.id };
    }
    const eventIds = run.eventId
      ? [run.eventId]
      : ((await this.runs.findBatch(run.batchId ?? ''))?.eventIds ?? []);
    return this.requeue(run.installationId, run.action, eventIds, id);
  }

  async replayBatch(
    id: string,
    principal: Principal,
    items: Array<string | number> | undefined,
    correlationId: string,
  ) {
    const batch = await this.runs.findBatch(id);
    if (!batch || !canSee(principal, batch.tenantId))
      throw new DomainError('BATCH_NOT_FOUND', `batch ${id} not found`, { id });
    let chosen: string[];
    if (items && items.length > 0) {
      chosen = [];
      for (const [i, item] of items.entries()) {
        const eventId =
          typeof item === 'number' ? batch.eventIds[item] : batch.eventIds.find((e) => e === item);
        if (!eventId) {
          throw new DomainError(
            'VALIDATION_FAILED',
            `item ${String(item)} is not part of batch ${id}`,
            {
              errors: [
                {
                  pointer: `/items/${i}`,
                  code: 'NOT_IN_BATCH',
                  message: 'name an event id or index of this batch',
                },
              ],
            },
          );
        }
        chosen.push(eventId);
      }
    } else {
      const events = await this.events.findMany(batch.eventIds);
      chosen = events.filter((e) => e.state === 'failed' || e.state === 'dead').map((e) => e.id);
    }
    await this.audit.record({
      actor: principal,
      tenantId: batch.tenantId,
      action: 'batch.replayed',
      targetType: 'batch',
      targetId: id,
      details: { items: chosen },
      correlationId,
    });
    return this.requeue(batch.installationId, batch.action, chosen, id);
  }

  private async requeue(installationId: string, action: string, eventIds: string[], of: string) {
    const events = await this.events.findMany(eventIds);
    // Items still owed work are left alone: replay must never run an item twice at once.
    const replayable = events
      .filter((e) => e.state === 'failed' || e.state === 'dead' || e.state === 'succeeded')
      .map((e) => e.id);
    await this.events.requeue(replayable);
    await this.queue.kick([{ installationId, action }]);
    return {
      replayOf: of,
      requeued: replayable,
      skipped: eventIds.filter((e) => !replayable.includes(e)),
    };
  }
}
