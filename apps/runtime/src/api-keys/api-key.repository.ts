import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { ApiKeyEntity } from './api-key.entity.js';

@Injectable()
export class ApiKeyRepository {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  find(id: string): Promise<ApiKeyEntity | null> {
    return this.db.getRepository(ApiKeyEntity).findOneBy({ id });
  }

  async insert(key: ApiKeyEntity, manager?: EntityManager): Promise<void> {
    await (manager ?? this.db.manager).insert(ApiKeyEntity, key);
  }

  countPlatformAdmins(): Promise<number> {
    return this.db
      .getRepository(ApiKeyEntity)
      .createQueryBuilder('k')
      .where('k.tenant_id IS NULL')
      .getCount();
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }
}
