import { Inject, Injectable } from '@nestjs/common';
import { DataSource, LessThan } from 'typeorm';
import { row } from '../database/columns.js';
import type { EntityManager, FindOptionsWhere } from 'typeorm';
import { AuditEntity } from './audit.entity.js';

@Injectable()
export class AuditRepository {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  async insert(entry: AuditEntity, manager?: EntityManager): Promise<void> {
    await (manager ?? this.db.manager).insert(AuditEntity, row(entry));
  }

  async list(filter: {
    tenantId?: string | null;
    action?: string;
    before?: number;
    limit: number;
  }): Promise<AuditEntity[]> {
    const where: FindOptionsWhere<AuditEntity> = {};
    if (filter.tenantId) where.tenantId = filter.tenantId;
    if (filter.action) where.action = filter.action;
    if (filter.before) where.createdAt = LessThan(filter.before);
    return this.db
      .getRepository(AuditEntity)
      .find({ where, order: { createdAt: 'DESC', id: 'DESC' }, take: filter.limit });
  }
}
