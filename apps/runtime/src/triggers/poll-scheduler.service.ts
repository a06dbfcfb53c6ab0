import { hostname } from 'node:os';
import { Inject, Injectable } from '@nestjs/common';
import type { OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { newId, orderedId, randomToken } from '../common/ids.js';
import { LOGGER } from '../common/logger.js';
import { DomainError } from '../common/domain-error.js';
import { InstallationService } from '../installations/installation.service.js';
import { ENGINE } from '../platform/ports.js';
import { RouteFanoutService } from '../routes/route-fanout.service.js';
import { RouteOrderingService } from '../routes/route-ordering.service.js';
import { evaluateIn, triggerOf } from '../routes/route-expressions.js';
import type { EvaluatingEngine } from '../routes/route-expressions.js';
import type { TriggerRecordEntity } from './trigger-record.entity.js';
import type { TriggerStateEntity } from './trigger-state.entity.js';
import { TriggerRepository } from './trigger.repository.js';
import { backoffDelay, nextPollDelay } from './poll-timing.js';

const TICK_MS = 100;
const POLL_SCAN_MS = 250;
const RECOVERY_MS = 2000;
/** Longer than a flow may run (the sandbox wall limit is 30 s), so a live poll keeps its lease. */
const POLL_LEASE_MS = 120_000;
const MAX_PARALLEL_POLLS = 8;
const DAY_MS = 24 * 60 * 60_000;
class LeaseLost extends Error {}

/**
 * Every process (embedded, cluster API or worker) runs this loop: polls of due triggers (a lease
 * row per trigger keeps one poll of a trigger at a time across processes), the ordered-delivery
 * releaser, and recovery of records committed but not yet routed.
 */
@Injectable()
export class PollSchedulerService implements OnApplicationBootstrap, OnModuleDestroy {
  readonly owner = `${hostname()}:${process.pid}:${randomToken(4)}`;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private tickRunning: Promise<void> | undefined;
  private readonly polls = new Set<Promise<void>>();
  private nextScan = 0;
  private nextRecovery = 0;

  constructor(
    @Inject(TriggerRepository) private readonly triggers: TriggerRepository,
    @Inject(InstallationService) private readonly installations: InstallationService,
    @Inject(RouteFanoutService) private readonly fanout: RouteFanoutService,
    @Inject(RouteOrderingService) private readonly ordering: RouteOrderingService,
    @Inject(ENGINE) private readonly engine: EvaluatingEngine,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.tickRunning;
    await Promise.allSettled([...this.polls]);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.tickRunning = this.tick().finally(() => {
        this.tickRunning = undefined;
        this.schedule();
      });
    }, TICK_MS);
  }

  /** Each part runs on its own, so a failing one (say, a poll query) never stalls the others. */
  private async tick(): Promise<void> {
    await this.guard('ordered delivery', () => this.ordering.tick());
    const now = Date.now();
    if (now >= this.nextScan) {
      this.nextScan = now + POLL_SCAN_MS;
      await this.guard('poll scheduling', () => this.startDuePolls(now));
    }
    if (now >= this.nextRecovery) {
      this.nextRecovery = now + RECOVERY_MS;
      await this.guard('record recovery', () => this.recover(now));
    }
  }

  private async guard(part: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.logger.error(
        { err: error instanceof Error ? error.message : String(error), part },
        'route and trigger loop failed',
      );
    }
  }

  private async startDuePolls(now: number): Promise<void> {
    await this.triggers.ensureStates(now);
    const room = MAX_PARALLEL_POLLS - this.polls.size;
    if (room <= 0) return;
    for (const state of await this.triggers.dueStates(now, room)) {
      if (this.stopped) return;
      if (!(await this.triggers.lease(state, this.owner, POLL_LEASE_MS))) continue;
      const task = this.poll(state).catch((error: unknown) =>
        this.logger.error(
          { err: error instanceof Error ? error.message : String(error), ...key(state) },
          'poll failed to record its outcome',
        ),
      );
      this.polls.add(task);
      void task.finally(() => this.polls.delete(task));
    }
  }

  /** Records committed but not routed, and verified webhooks whose records were never made. */
  private async recover(now: number): Promise<void> {
    // Up to a few thousand records per pass, so a backlog left by a crash drains in seconds.
    for (let round = 0; round < 20 && !this.stopped; round++) {
      const pending = await this.triggers.pendingRecords(now - 5000, 100);
      for (const record of pending) await this.fanout.routeRecord(record);
      if (pending.length < 100) break;
    }
    for (const event of await this.triggers.unroutedWebhooks(now - DAY_MS, now - 10_000, 20))
      await this.fanout.onRecord(event);
  }

  /** One poll under this process's lease. The cursor moves in the transaction that commits the records. */
  async poll(state: TriggerStateEntity): Promise<void> {
    const correlationId = newId('poll');
    let intervalMs = 60_000;
    try {
      const runnable = await this.installations.runnable(state.installationId);
      const shape = triggerOf(runnable.definition, state.trigger);
      if (!shape || shape.kind !== 'poll') {
        await this.triggers.endPoll(state, this.owner, {
          nextPollAt: Date.now() + 60 * 60_000,
          lastError: {
            code: 'TRIGGER_NOT_FOUND',
            message: `${runnable.installation.connectorId}@${runnable.installation.version} has no poll trigger ${state.trigger}`,
          },
        });
        return;
      }
      intervalMs = Math.max(1000, shape.poll?.intervalMs ?? 60_000);
      if (runnable.installation.status !== 'enabled') {
        await this.triggers.endPoll(state, this.owner, { nextPollAt: Date.now() + intervalMs });
        return;
      }
      const cursor =
        state.cursor === null ? (shape.poll?.cursor?.initial ?? null) : JSON.parse(state.cursor);
      const result = await this.fanout.runTrigger(
        runnable,
        state.trigger,
        { cursor },
        correlationId,
      );
      if (result.status === 'failed') {
        await this.failed(state, intervalMs, {
          code: result.error?.code ?? 'INTERNAL',
          message: result.error?.message ?? 'the poll failed',
        });
        return;
      }
      const output = (result.output ?? {}) as { records?: unknown; cursor?: unknown };
      const records = Array.isArray(output.records) ? output.records : [];
      const from = shape.poll?.cursor?.from;
      const next = from
        ? await evaluateIn(this.engine, state.tenantId, from, output)
        : output.cursor;
      const now = Date.now();
      const rows: TriggerRecordEntity[] = [];
      for (const record of records) {
        rows.push({
          id: orderedId('trc'),
          tenantId: state.tenantId,
          installationId: state.installationId,
          trigger: state.trigger,
          recordKey: await this.fanout.recordKey(state.tenantId, shape, record),
          sourceEventId: null,
          data: record,
          correlationId,
          state: 'pending',
          error: null,
          createdAt: now,
          routedAt: null,
        });
      }
      const fresh = await this.triggers.transaction(async (manager) => {
        const added = await this.triggers.addRecords(rows, manager);
        const kept = await this.triggers.endPoll(
          state,
          this.owner,
          {
            cursor: JSON.stringify(next ?? null),
            failures: 0,
            lastError: null,
            lastSuccessAt: now,
            nextPollAt: now + nextPollDelay(intervalMs),
            recordsTotal: state.recordsTotal + added.length,
          },
          manager,
        );
        if (!kept) throw new LeaseLost('the poll lease expired before the records were committed');
        return added;
      });
      if (fresh.length > 0)
        this.logger.info(
          { ...key(state), records: fresh.length, correlationId },
          'poll committed new records',
        );
      await this.routeFresh(fresh);
    } catch (error) {
      if (error instanceof LeaseLost) {
        this.logger.warn({ ...key(state) }, error.message);
        return;
      }
      await this.failed(state, intervalMs, {
        code: error instanceof DomainError ? error.code : 'INTERNAL',
        message: error instanceof Error ? error.message : String(error),
      });
    }
  }

  /** Committed records stay pending when routing fails here; the recovery pass routes them. */
  private async routeFresh(records: TriggerRecordEntity[]): Promise<void> {
    try {
      for (const record of records) await this.fanout.routeRecord(record);
    } catch (error) {
      this.logger.warn(
        { err: error instanceof Error ? error.message : String(error) },
        'polled records committed but not routed yet; the recovery pass retries them',
      );
    }
  }

  private async failed(
    state: TriggerStateEntity,
    intervalMs: number,
    error: { code: string; message: string },
  ): Promise<void> {
    const failures = state.failures + 1;
    const delay = backoffDelay(intervalMs, failures);
    this.logger.warn(
      { ...key(state), failures, delayMs: delay, code: error.code },
      'poll failed; backing off',
    );
    await this.triggers.endPoll(state, this.owner, {
      failures,
      lastError: error,
      nextPollAt: Date.now() + delay,
    });
  }
}

function key(state: TriggerStateEntity) {
  return { installationId: state.installationId, trigger: state.trigger };
}
