import { Inject, Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { row } from '../database/columns.js';
import { EventEntity } from '../execution/event.entity.js';
import { nativeQuery } from './native-sql.js';
import { TriggerRecordEntity } from './trigger-record.entity.js';
import type { TriggerRecordState } from './trigger-record.entity.js';
import { TriggerStateEntity } from './trigger-state.entity.js';

@Injectable()
export class TriggerRepository {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  /** Inserts the records whose key is new and returns them; known keys are duplicates. */
  async addRecords(
    records: TriggerRecordEntity[],
    manager: EntityManager,
  ): Promise<TriggerRecordEntity[]> {
    if (records.length === 0) return [];
    const first = records[0]!;
    const known = new Set<string>();
    for (let i = 0; i < records.length; i += 200) {
      const found = await manager.getRepository(TriggerRecordEntity).find({
        select: { recordKey: true },
        where: {
          installationId: first.installationId,
          trigger: first.trigger,
          recordKey: In(records.slice(i, i + 200).map((r) => r.recordKey)),
        },
      });
      for (const f of found) known.add(f.recordKey);
    }
    const fresh: TriggerRecordEntity[] = [];
    for (const record of records) {
      if (known.has(record.recordKey)) continue;
      known.add(record.recordKey);
      fresh.push(record);
    }
    for (let i = 0; i < fresh.length; i += 200)
      await manager.insert(TriggerRecordEntity, fresh.slice(i, i + 200).map(row));
    return fresh;
  }

  async markRecord(id: string, state: TriggerRecordState, error: unknown): Promise<void> {
    await this.db
      .createQueryBuilder()
      .update(TriggerRecordEntity)
      .set(
        row<Partial<TriggerRecordEntity>>({
          state,
          error: error ?? null,
          routedAt: Date.now(),
        }) as never,
      )
      .where({ id })
      .execute();
  }

  pendingRecords(olderThan: number, limit: number): Promise<TriggerRecordEntity[]> {
    return this.db
      .getRepository(TriggerRecordEntity)
      .createQueryBuilder('r')
      .where(`r.state = 'pending' AND r.created_at < :olderThan`, { olderThan })
      .orderBy('r.id', 'ASC')
      .limit(limit)
      .getMany();
  }

  /**
   * Verified webhooks committed in the window that never got their records (the process stopped
   * between the webhook's commit and its fan-out).
   */
  async unroutedWebhooks(since: number, olderThan: number, limit: number): Promise<EventEntity[]> {
    const ids = await nativeQuery(
      this.db,
      `SELECT e.id FROM events e WHERE e.state = 'succeeded' AND e.next_attempt_at >= :since
       AND e.next_attempt_at < :olderThan AND e.source LIKE 'webhook:%'
       AND NOT EXISTS (SELECT 1 FROM trigger_records r WHERE r.source_event_id = e.id)
       AND EXISTS (SELECT 1 FROM routes o WHERE o.source_installation_id = e.installation_id
         AND o.source_trigger = e.action AND o.enabled = 1 AND o.created_at <= e.created_at)
       ORDER BY e.id LIMIT :limit`,
      { since, olderThan, limit },
    );
    if (ids.length === 0) return [];
    return this.db.getRepository(EventEntity).findBy({ id: In(ids.map((r) => String(r.id))) });
  }

  /** A state row for every poll trigger some enabled route reads from. */
  async ensureStates(now: number): Promise<void> {
    const missing = await nativeQuery(
      this.db,
      `SELECT 1 AS missing FROM routes r WHERE r.enabled = 1 AND r.source_kind = 'poll' AND NOT EXISTS (
         SELECT 1 FROM trigger_states s WHERE s.installation_id = r.source_installation_id AND s.trigger_name = r.source_trigger)
       LIMIT 1`,
    );
    // Read first, so an idle scheduler never takes SQLite's write lock.
    if (missing.length === 0) return;
    await nativeQuery(
      this.db,
      `INSERT INTO trigger_states (installation_id, trigger_name, tenant_id, next_poll_at, failures, records_total)
       SELECT DISTINCT r.source_installation_id, r.source_trigger, r.tenant_id, CAST(:now AS BIGINT), 0, 0
       FROM routes r WHERE r.enabled = 1 AND r.source_kind = 'poll' AND NOT EXISTS (
         SELECT 1 FROM trigger_states s WHERE s.installation_id = r.source_installation_id AND s.trigger_name = r.source_trigger)
       ON CONFLICT DO NOTHING`,
      { now },
    );
  }

  dueStates(now: number, limit: number): Promise<TriggerStateEntity[]> {
    return this.db
      .getRepository(TriggerStateEntity)
      .createQueryBuilder('s')
      .where('s.next_poll_at <= :now', { now })
      .andWhere('(s.lease_owner IS NULL OR s.lease_expires_at < :now)', { now })
      .andWhere(
        `EXISTS (SELECT 1 FROM routes r WHERE r.source_installation_id = s.installation_id
         AND r.source_trigger = s.trigger_name AND r.enabled = 1)`,
      )
      .orderBy('s.next_poll_at', 'ASC')
      .limit(limit)
      .getMany();
  }

  /** The one poll of a trigger at a time, across processes: whoever sets the lease owns the poll. */
  async lease(state: TriggerStateEntity, owner: string, leaseMs: number): Promise<boolean> {
    const now = Date.now();
    const result = await this.db
      .createQueryBuilder()
      .update(TriggerStateEntity)
      .set({ leaseOwner: owner, leaseExpiresAt: now + leaseMs, lastPolledAt: now })
      .where('installation_id = :installationId AND trigger_name = :trigger', {
        installationId: state.installationId,
        trigger: state.trigger,
      })
      .andWhere('next_poll_at <= :now AND (lease_owner IS NULL OR lease_expires_at < :now)', {
        now,
      })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** Ends a poll this owner holds; false (and nothing written) when the lease was lost. */
  async endPoll(
    state: Pick<TriggerStateEntity, 'installationId' | 'trigger'>,
    owner: string,
    change: Partial<TriggerStateEntity>,
    manager: EntityManager = this.db.manager,
  ): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(TriggerStateEntity)
      .set(row({ ...change, leaseOwner: null, leaseExpiresAt: null }) as never)
      .where(
        'installation_id = :installationId AND trigger_name = :trigger AND lease_owner = :owner',
        {
          installationId: state.installationId,
          trigger: state.trigger,
          owner,
        },
      )
      .execute();
    return (result.affected ?? 0) > 0;
  }

  recentRecords(installationId: string, trigger: string, limit: number) {
    return this.db.getRepository(TriggerRecordEntity).find({
      where: { installationId, trigger },
      order: { id: 'DESC' },
      take: limit,
    });
  }

  states(installationId: string): Promise<TriggerStateEntity[]> {
    return this.db.getRepository(TriggerStateEntity).findBy({ installationId });
  }
}
