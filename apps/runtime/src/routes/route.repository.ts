import { Inject, Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { row } from '../database/columns.js';
import { nativeQuery } from '../triggers/native-sql.js';
import { RouteDeliveryEntity } from './route-delivery.entity.js';
import { RouteEntity } from './route.entity.js';

const FINAL_EVENT_STATES = `('succeeded', 'failed', 'dead')`;

/**
 * Deliveries that hold `outer` back: one of its route and key already released, or one waiting that
 * comes first (by the route's sequence when it has one, then by source order).
 */
function blocking(outer: string): string {
  const seq = (alias: string) => `COALESCE(${alias}.sequence, '')`;
  return `SELECT 1 FROM route_deliveries e WHERE e.route_id = ${outer}.route_id AND e.order_key = ${outer}.order_key
    AND (e.state = 'released' OR (e.state = 'waiting' AND (${seq('e')} < ${seq(outer)}
      OR (${seq('e')} = ${seq(outer)} AND e.id < ${outer}.id))))`;
}

@Injectable()
export class RouteRepository {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  find(id: string): Promise<RouteEntity | null> {
    return this.db.getRepository(RouteEntity).findOneBy({ id });
  }

  list(tenantId: string | null): Promise<RouteEntity[]> {
    return this.db
      .getRepository(RouteEntity)
      .find({ where: tenantId ? { tenantId } : {}, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  enabledFor(installationId: string, trigger: string): Promise<RouteEntity[]> {
    return this.db.getRepository(RouteEntity).find({
      where: { sourceInstallationId: installationId, sourceTrigger: trigger, enabled: 1 },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  bySource(installationId: string): Promise<RouteEntity[]> {
    return this.db
      .getRepository(RouteEntity)
      .find({ where: { sourceInstallationId: installationId } });
  }

  async insert(route: RouteEntity, manager: EntityManager): Promise<void> {
    await manager.insert(RouteEntity, row(route));
  }

  async save(route: RouteEntity, manager: EntityManager): Promise<void> {
    await manager.save(RouteEntity, route);
  }

  async remove(id: string, manager: EntityManager): Promise<void> {
    await manager.delete(RouteDeliveryEntity, { routeId: id, state: In(['waiting']) });
    await manager.delete(RouteEntity, { id });
  }

  /** Deliveries already made for these keys are kept: a re-fanned record adds nothing. */
  async addDeliveries(deliveries: RouteDeliveryEntity[]): Promise<void> {
    if (deliveries.length === 0) return;
    await this.db
      .createQueryBuilder()
      .insert()
      .into(RouteDeliveryEntity)
      .values(deliveries.map(row))
      .orIgnore()
      .execute();
  }

  /** Whether any ordered delivery is still owed work; the releaser writes nothing when none is. */
  async hasOpenDeliveries(): Promise<boolean> {
    const rows = await nativeQuery(
      this.db,
      `SELECT 1 AS open FROM route_deliveries WHERE state IN ('waiting', 'released') LIMIT 1`,
    );
    return rows.length > 0;
  }

  /** Released deliveries whose event reached a final state are done, which frees their key. */
  async settleReleased(): Promise<number> {
    const now = Date.now();
    const rows = await nativeQuery(
      this.db,
      `UPDATE route_deliveries SET state = 'done', updated_at = :now
       WHERE state = 'released' AND event_id IN (SELECT id FROM events WHERE state IN ${FINAL_EVENT_STATES})
       RETURNING id`,
      { now },
    );
    return rows.length;
  }

  /**
   * The first waiting delivery of each route and key whose key has nothing released: the only ones
   * that may go to intake now.
   */
  async heads(limit: number): Promise<RouteDeliveryEntity[]> {
    return (
      this.db
        .getRepository(RouteDeliveryEntity)
        .createQueryBuilder('d')
        .where(`d.state = 'waiting'`)
        // A disabled route holds its waiting deliveries until it is enabled again.
        .andWhere(`EXISTS (SELECT 1 FROM routes r WHERE r.id = d.route_id AND r.enabled = 1)`)
        .andWhere(`NOT EXISTS (${blocking('d')})`)
        .orderBy('d.id', 'ASC')
        .limit(limit)
        .getMany()
    );
  }

  /** Takes a head for release; false when another process took it or an earlier item appeared. */
  async release(id: string): Promise<boolean> {
    const rows = await nativeQuery(
      this.db,
      `UPDATE route_deliveries SET state = 'released', updated_at = :now
       WHERE id = :id AND state = 'waiting' AND NOT EXISTS (${blocking('route_deliveries')})
       RETURNING id`,
      { id, now: Date.now() },
    );
    return rows.length > 0;
  }

  /** The latest sequence of a key that already went to the target (for dropping stale arrivals). */
  async deliveredSequence(routeId: string, orderKey: string): Promise<string | null> {
    const rows = await nativeQuery(
      this.db,
      `SELECT MAX(sequence) AS latest FROM route_deliveries WHERE route_id = :routeId AND order_key = :orderKey
       AND state IN ('released', 'done') AND event_id IS NOT NULL`,
      { routeId, orderKey },
    );
    const latest = rows[0]?.latest;
    return latest === null || latest === undefined ? null : String(latest);
  }

  /** Released but never given an event (the process died before intake answered). */
  staleReleases(olderThan: number, limit: number): Promise<RouteDeliveryEntity[]> {
    return this.db
      .getRepository(RouteDeliveryEntity)
      .createQueryBuilder('d')
      .where(`d.state = 'released' AND d.event_id IS NULL AND d.updated_at < :olderThan`, {
        olderThan,
      })
      .orderBy('d.id', 'ASC')
      .limit(limit)
      .getMany();
  }

  async recordEvent(id: string, eventId: string | null, error: unknown): Promise<void> {
    await this.db
      .createQueryBuilder()
      .update(RouteDeliveryEntity)
      .set(
        row<Partial<RouteDeliveryEntity>>({
          eventId,
          error: error ?? null,
          // A refused delivery never gets an event: it is done, so the key moves on.
          state: eventId ? 'released' : 'done',
          updatedAt: Date.now(),
        }) as never,
      )
      .where({ id })
      .execute();
  }

  async countsByState(routeId: string): Promise<Record<string, number>> {
    const rows = await nativeQuery(
      this.db,
      `SELECT state, COUNT(*) AS n FROM route_deliveries WHERE route_id = :routeId GROUP BY state`,
      { routeId },
    );
    return Object.fromEntries(rows.map((r) => [String(r.state), Number(r.n)]));
  }
}
