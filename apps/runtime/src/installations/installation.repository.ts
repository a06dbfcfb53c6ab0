import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { row } from '../database/columns.js';
import type { EntityManager } from 'typeorm';
import { InstallationEntity } from './installation.entity.js';

@Injectable()
export class InstallationRepository {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  find(id: string): Promise<InstallationEntity | null> {
    return this.db.getRepository(InstallationEntity).findOneBy({ id });
  }

  list(tenantId: string | null): Promise<InstallationEntity[]> {
    return this.db
      .getRepository(InstallationEntity)
      .find({ where: tenantId ? { tenantId } : {}, order: { createdAt: 'ASC' } });
  }

  async insert(installation: InstallationEntity, manager: EntityManager): Promise<void> {
    await manager.insert(InstallationEntity, row(installation));
  }

  async save(installation: InstallationEntity, manager: EntityManager): Promise<void> {
    await manager.save(InstallationEntity, installation);
  }

  async remove(id: string, manager: EntityManager): Promise<void> {
    await manager.delete(InstallationEntity, { id });
  }
}
