import { Inject, Injectable } from '@nestjs/common';
import type { OnModuleDestroy } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { row } from '../database/columns.js';
import type { EntityManager } from 'typeorm';
import { isPostgres } from '../database/data-source.js';
import { EventEntity } from './event.entity.js';
import { SqliteIntake } from './sqlite-intake.js';
import type { SqliteHandle } from './sqlite-intake.js';
import type { EventState } from './event.entity.js';

export interface DueGroup {
  installationId: string;
  action: string;
  /** created_at of the group's oldest due item. */
  oldest: number;
}

const COLUMNS: Record<string, keyof EventEntity> = {
  id: 'id',
  tenant_id: 'tenantId',
  installation_id: 'installationId',
  action: 'action',
  idempotency_key: 'idempotencyKey',
  body_hash: 'bodyHash',
  data: 'data',
  schema_version: 'schemaVersion',
  state: 'state',
  enqueued: 'enqueued',
  lease_owner: 'leaseOwner',
  lease_expires_at: 'leaseExpiresAt',
  next_attempt_at: 'nextAttemptAt',
  attempts: 'attempts',
  correlation_id: 'correlationId',
  source: 'source',
  last_run_id: 'lastRunId',
  last_batch_id: 'lastBatchId',
  output: 'output',
  error: 'error',
  response: 'response',
  created_at: 'createdAt',
  updated_at: 'updatedAt',
};
const JSON_COLUMNS = new Set(['data', 'output', 'error', 'response']);
const NUMBER_COLUMNS = new Set([
  'lease_expires_at',
  'next_attempt_at',
  'attempts',
  'enqueued',
  'created_at',
  'updated_at',
]);

function fromRow(row: Record<string, unknown>): EventEntity {
  const entity = {} as Record<string, unknown>;
  for (const [column, property] of Object.entries(COLUMNS)) {
    const value = row[column];
    if (value === null || value === undefined) entity[property] = null;
    else if (JSON_COLUMNS.has(column)) entity[property] = JSON.parse(String(value));
    else if (NUMBER_COLUMNS.has(column)) entity[property] = Number(value);
    else entity[property] = value;
  }
  return entity as unknown as EventEntity;
}

const byCreation = (a: EventEntity, b: EventEntity) =>
  a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1);

/** Items still owed work: waiting, or running under a lease that has expired (its process died). */
// The leading state term matches the partial indexes' predicate, so both databases can use them.
const OPEN = `state IN ('accepted', 'queued', 'running')`;
const due = (alias?: string) => {
  const c = (column: string) => (alias ? `${alias}.${column}` : column);
  return `${c('state')} IN ('accepted', 'queued', 'running') AND ((${c('state')} IN ('accepted', 'queued') AND ${c('next_attempt_at')} <= :now) OR (${c('state')} = 'running' AND ${c('lease_expires_at')} < :now))`;
};
const DUE = due();

@Injectable()
export class EventRepository implements OnModuleDestroy {
  private readonly fast: SqliteIntake | null;

  constructor(@Inject(DataSource) private readonly db: DataSource) {
    const driver = db.driver as unknown as { databaseConnection?: SqliteHandle };
    this.fast =
      !isPostgres(db) && driver.databaseConnection
        ? new SqliteIntake(driver.databaseConnection)
        : null;
  }

  onModuleDestroy(): void {
    this.fast?.close();
  }

  /** Idempotency look-up of the intake path: the key, its body hash and its first answer. */
  async priorByKeys(
    installationId: string,
    keys: string[],
  ): Promise<
    Array<Pick<EventEntity, 'id' | 'idempotencyKey' | 'bodyHash' | 'response' | 'createdAt'>>
  > {
    if (keys.length === 0) return [];
    if (this.fast) {
      return this.fast.findByKeys(installationId, keys).map((r) => ({
        id: r.id,
        idempotencyKey: r.idempotency_key,
        bodyHash: r.body_hash,
        response: r.response === null ? null : (JSON.parse(r.response) as unknown),
        createdAt: Number(r.created_at),
      }));
    }
    return this.findByKeys(installationId, keys);
  }

  /** Commits accepted items (and retires expired keys) in one transaction before the 202. */
  async commitIntake(
    events: EventEntity[],
    retire: Array<{ id: string; key: string }>,
  ): Promise<void> {
    if (this.fast) return this.fast.commit(events, retire);
    await this.db.transaction(async (manager) => {
      for (const r of retire) await this.retireKey(r.id, r.key, manager);
      await this.insertMany(events, manager);
    });
  }

  /** `events <alias>` read through the partial index of open items. */
  private openItems(alias: string): string {
    // SQLite without ANALYZE statistics would read the state prefix of events_due instead.
    return this.pg ? `events ${alias}` : `events ${alias} INDEXED BY events_open`;
  }

  private get pg(): boolean {
    return isPostgres(this.db);
  }

  /** Named parameters (`:name`) to the driver's placeholders. */
  private sql(text: string, params: Record<string, unknown>): [string, unknown[]] {
    const values: unknown[] = [];
    const query = text.replace(/:([a-zA-Z]+)/g, (_m, name: string) => {
      values.push(params[name]);
      return this.pg ? `$${values.length}` : '?';
    });
    return [query, values];
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  findByKeys(installationId: string, keys: string[]): Promise<EventEntity[]> {
    if (keys.length === 0) return Promise.resolve([]);
    return this.db
      .getRepository(EventEntity)
      .find({ where: { installationId, idempotencyKey: In(keys) } });
  }

  find(id: string): Promise<EventEntity | null> {
    return this.db.getRepository(EventEntity).findOneBy({ id });
  }

  findMany(ids: string[]): Promise<EventEntity[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db.getRepository(EventEntity).findBy({ id: In(ids) });
  }

  async insertMany(events: EventEntity[], manager: EntityManager): Promise<void> {
    for (let i = 0; i < events.length; i += 200)
      await manager.insert(EventEntity, events.slice(i, i + 200).map(row));
  }

  /** A key older than the 24 h window is retired so that the key can name a new event. */
  async retireKey(id: string, key: string, manager: EntityManager): Promise<void> {
    await manager.update(EventEntity, { id }, { idempotencyKey: `${key}~expired~${id}` });
  }

  async markEnqueued(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db
      .createQueryBuilder()
      .update(EventEntity)
      .set({
        enqueued: 1,
        state: () => `CASE WHEN state = 'accepted' THEN 'queued' ELSE state END`,
      })
      .where({ id: In(ids) })
      .execute();
  }

  /**
   * Groups with due items, oldest due item first. One indexed probe per group with open items
   * (a loose index scan over events_open), so the cost follows the number of groups, not the
   * backlog: the embedded loop runs this every tick, also with a million items waiting.
   */
  async dueGroups(now: number, limit = 100): Promise<DueGroup[]> {
    const [query, values] = this.sql(
      `WITH RECURSIVE g(id, installation_id, action) AS (
         SELECT id, installation_id, action FROM (SELECT e.id, e.installation_id, e.action FROM ${this.openItems('e')}
           WHERE e.${OPEN} ORDER BY e.installation_id, e.action LIMIT 1) f
         UNION ALL
         SELECT n.id, n.installation_id, n.action FROM g, events n WHERE n.id = COALESCE(
           (SELECT e.id FROM ${this.openItems('e')} WHERE e.${OPEN} AND e.installation_id = g.installation_id
             AND e.action > g.action ORDER BY e.action LIMIT 1),
           (SELECT e.id FROM ${this.openItems('e')} WHERE e.${OPEN} AND e.installation_id > g.installation_id
             ORDER BY e.installation_id, e.action LIMIT 1)))
       SELECT installation_id, action, oldest FROM (
         SELECT g.installation_id, g.action, (SELECT d.created_at FROM ${this.openItems('d')}
           WHERE d.installation_id = g.installation_id AND d.action = g.action AND ${due('d')}
           ORDER BY d.created_at LIMIT 1) AS oldest FROM g) x
       WHERE oldest IS NOT NULL ORDER BY oldest LIMIT :limit`,
      { now, limit },
    );
    const rows = (await this.db.query(query, values)) as Array<Record<string, unknown>>;
    return rows.map((r) => ({
      installationId: String(r.installation_id),
      action: String(r.action),
      oldest: Number(r.oldest),
    }));
  }

  /** One group's due items, counted up to `cap` (a batch's size), and its oldest. */
  async dueInGroup(
    group: { installationId: string; action: string },
    now: number,
    cap: number,
  ): Promise<{ count: number; oldest: number } | null> {
    const [query, values] = this.sql(
      `SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM (SELECT d.created_at FROM ${this.openItems('d')}
         WHERE d.installation_id = :installationId AND d.action = :action AND ${due('d')}
         ORDER BY d.created_at LIMIT :cap) x`,
      { ...group, now, cap },
    );
    const [row] = (await this.db.query(query, values)) as Array<Record<string, unknown>>;
    const count = Number(row?.n ?? 0);
    return count > 0 ? { count, oldest: Number(row!.oldest) } : null;
  }

  /** Groups an API process committed but never enqueued (it died between commit and enqueue). */
  async unenqueuedGroups(
    olderThan: number,
  ): Promise<Array<{ installationId: string; action: string }>> {
    const [query, values] = this.sql(
      `SELECT DISTINCT installation_id, action FROM events WHERE enqueued = 0 AND state IN ('accepted', 'queued') AND created_at < :olderThan LIMIT 500`,
      { olderThan },
    );
    const rows = (await this.db.query(query, values)) as Array<Record<string, unknown>>;
    return rows.map((r) => ({
      installationId: String(r.installation_id),
      action: String(r.action),
    }));
  }

  /**
   * Leases up to `limit` due items of one group to `owner`. On PostgreSQL `FOR UPDATE SKIP LOCKED`
   * lets concurrent workers claim disjoint sets; SQLite has a single writer, so the UPDATE is atomic.
   */
  async claim(
    group: { installationId: string; action: string },
    owner: string,
    leaseMs: number,
    limit: number,
  ): Promise<EventEntity[]> {
    const now = Date.now();
    const params = {
      owner,
      expires: now + leaseMs,
      now,
      installationId: group.installationId,
      action: group.action,
      limit,
    };
    const select = `SELECT id FROM events WHERE installation_id = :installationId AND action = :action AND ${DUE}
      ORDER BY created_at, id LIMIT :limit${this.pg ? ' FOR UPDATE SKIP LOCKED' : ''}`;
    const [query, values] = this.sql(
      `UPDATE events SET state = 'running', lease_owner = :owner, lease_expires_at = :expires, attempts = attempts + 1,
       updated_at = :now WHERE id IN (${select}) RETURNING *`,
      params,
    );
    if (this.fast) return this.fast.claim(query, values).map(fromRow).sort(byCreation);
    const result = (await this.db.query(query, values)) as unknown;
    // TypeORM hands back [rows, affected] for a PostgreSQL UPDATE ... RETURNING and rows for SQLite.
    const rows = (
      this.pg && Array.isArray(result) && Array.isArray(result[0]) ? result[0] : result
    ) as Array<Record<string, unknown>>;
    return rows.map(fromRow).sort(byCreation);
  }

  /** Writes an item's outcome only if this process still holds its lease. */
  async finish(
    id: string,
    owner: string,
    change: {
      state: EventState;
      output?: unknown;
      error?: unknown;
      nextAttemptAt?: number;
      lastRunId: string;
      lastBatchId?: string | null;
      /** The attempt never reached the partner (deferred by the egress policy): give it back. */
      refundAttempt?: boolean;
    },
  ): Promise<boolean> {
    if (this.fast) {
      return this.fast.finish({
        state: change.state,
        output: change.output ?? null,
        error: change.error ?? null,
        nextAttemptAt: change.nextAttemptAt ?? Date.now(),
        lastRunId: change.lastRunId,
        lastBatchId: change.lastBatchId ?? null,
        refundAttempt: change.refundAttempt ?? false,
        id,
        owner,
      });
    }
    const result = await this.db
      .createQueryBuilder()
      .update(EventEntity)
      .set({
        ...row<Partial<EventEntity>>({
          state: change.state,
          output: change.output ?? null,
          error: (change.error ?? null) as EventEntity['error'],
          leaseOwner: null,
          leaseExpiresAt: null,
          nextAttemptAt: change.nextAttemptAt ?? Date.now(),
          lastRunId: change.lastRunId,
          lastBatchId: change.lastBatchId ?? null,
          updatedAt: Date.now(),
        }),
        ...(change.refundAttempt ? { attempts: () => 'attempts - 1' } : {}),
      } as never)
      .where('id = :id AND lease_owner = :owner', { id, owner })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  async extendLease(ids: string[], owner: string, leaseMs: number): Promise<void> {
    if (ids.length === 0) return;
    await this.db
      .createQueryBuilder()
      .update(EventEntity)
      .set({ leaseExpiresAt: Date.now() + leaseMs })
      .where({ id: In(ids), leaseOwner: owner })
      .execute();
  }

  async requeue(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db
      .createQueryBuilder()
      .update(EventEntity)
      .set({
        state: 'queued',
        nextAttemptAt: Date.now(),
        leaseOwner: null,
        leaseExpiresAt: null,
        error: null,
        updatedAt: Date.now(),
      })
      .where({ id: In(ids) })
      .execute();
  }
}
