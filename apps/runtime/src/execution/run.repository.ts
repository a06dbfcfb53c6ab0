import { Inject, Injectable } from '@nestjs/common';
import { DataSource, LessThan } from 'typeorm';
import { row } from '../database/columns.js';
import type { EntityManager, FindOptionsWhere } from 'typeorm';
import { AttemptEntity } from './attempt.entity.js';
import { BatchEntity } from './batch.entity.js';
import { RunEntity } from './run.entity.js';

export interface RunFilter {
  tenantId: string | null;
  installationId?: string;
  status?: string;
  eventId?: string;
  correlationId?: string;
  before?: number;
  limit: number;
}

@Injectable()
export class RunRepository {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  async insertRun(run: RunEntity, manager?: EntityManager): Promise<void> {
    await (manager ?? this.db.manager).insert(RunEntity, row(run));
  }

  async insertBatch(batch: BatchEntity, manager?: EntityManager): Promise<void> {
    await (manager ?? this.db.manager).insert(BatchEntity, row(batch));
  }

  async updateBatch(
    id: string,
    change: Partial<BatchEntity>,
    manager?: EntityManager,
  ): Promise<void> {
    await (manager ?? this.db.manager).update(BatchEntity, { id }, row(change));
  }

  async insertAttempts(attempts: AttemptEntity[], manager?: EntityManager): Promise<void> {
    if (attempts.length === 0) return;
    const m = manager ?? this.db.manager;
    for (let i = 0; i < attempts.length; i += 200)
      await m.insert(AttemptEntity, attempts.slice(i, i + 200).map(row));
  }

  findRun(id: string): Promise<RunEntity | null> {
    return this.db.getRepository(RunEntity).findOneBy({ id });
  }

  findBatch(id: string): Promise<BatchEntity | null> {
    return this.db.getRepository(BatchEntity).findOneBy({ id });
  }

  listRuns(filter: RunFilter): Promise<RunEntity[]> {
    const where: FindOptionsWhere<RunEntity> = {};
    if (filter.tenantId) where.tenantId = filter.tenantId;
    if (filter.installationId) where.installationId = filter.installationId;
    if (filter.status) where.status = filter.status as RunEntity['status'];
    if (filter.eventId) where.eventId = filter.eventId;
    if (filter.correlationId) where.correlationId = filter.correlationId;
    if (filter.before) where.createdAt = LessThan(filter.before);
    return this.db.getRepository(RunEntity).find({
      where,
      order: { createdAt: 'DESC', id: 'DESC' },
      take: filter.limit,
      select: Object.fromEntries(
        [
          'id',
          'tenantId',
          'installationId',
          'connectorId',
          'connectorVersion',
          'action',
          'kind',
          'status',
          'eventId',
          'batchId',
          'replayOf',
          'error',
          'attempt',
          'correlationId',
          'durationMs',
          'createdAt',
          'finishedAt',
        ].map((k) => [k, true]),
      ),
    });
  }

  attemptsOfEvents(eventIds: string[]): Promise<AttemptEntity[]> {
    if (eventIds.length === 0) return Promise.resolve([]);
    return this.db
      .getRepository(AttemptEntity)
      .createQueryBuilder('a')
      .where('a.event_id IN (:...ids)', { ids: eventIds })
      .orderBy('a.started_at', 'ASC')
      .getMany();
  }

  attemptsOfRun(runId: string): Promise<AttemptEntity[]> {
    return this.db
      .getRepository(AttemptEntity)
      .find({ where: { runId }, order: { startedAt: 'ASC' } });
  }

  attemptsOfBatch(batchId: string): Promise<AttemptEntity[]> {
    return this.db
      .getRepository(AttemptEntity)
      .find({ where: { batchId }, order: { startedAt: 'ASC' } });
  }
}
