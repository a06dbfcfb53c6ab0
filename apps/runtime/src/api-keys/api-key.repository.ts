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

  /** Keys of one tenant, or all of them (no tenant named), oldest first. */
  list(tenantId: string | undefined): Promise<ApiKeyEntity[]> {
    const query = this.db.getRepository(ApiKeyEntity).createQueryBuilder('k');
    if (tenantId !== undefined) query.where('k.tenant_id = :tenantId', { tenantId });
    return query.orderBy('k.created_at', 'ASC').addOrderBy('k.id', 'ASC').getMany();
  }

  /** Marks the key revoked unless it already is; whether this call revoked it. */
  async revoke(id: string, at: number, manager: EntityManager): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(ApiKeyEntity)
      .set({ revokedAt: at })
      .where('id = :id AND revoked_at IS NULL', { id })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** Platform keys (no tenant) that are not revoked. */
  activePlatformKeys(manager: EntityManager): Promise<ApiKeyEntity[]> {
    return manager
      .getRepository(ApiKeyEntity)
      .createQueryBuilder('k')
      .where('k.tenant_id IS NULL AND k.revoked_at IS NULL')
      .getMany();
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
