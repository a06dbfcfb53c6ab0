import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { TenantEntity } from './tenant.entity.js';

@Injectable()
export class TenantRepository {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  async insert(tenant: TenantEntity, manager?: EntityManager): Promise<void> {
    await (manager ?? this.db.manager).insert(TenantEntity, tenant);
  }

  find(id: string): Promise<TenantEntity | null> {
    return this.db.getRepository(TenantEntity).findOneBy({ id });
  }

  list(): Promise<TenantEntity[]> {
    return this.db.getRepository(TenantEntity).find({ order: { createdAt: 'ASC' } });
  }

  async updateDataKey(id: string, dataKey: string, manager?: EntityManager): Promise<void> {
    await (manager ?? this.db.manager).update(TenantEntity, { id }, { dataKey });
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }
}
