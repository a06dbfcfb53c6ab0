import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { row } from '../database/columns.js';
import type { EntityManager } from 'typeorm';
import { ConnectorVersionEntity } from './connector-version.entity.js';
import { ConnectorEntity } from './connector.entity.js';
import { ContractEntity } from './contract.entity.js';

@Injectable()
export class CatalogRepository {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  listConnectors(): Promise<ConnectorEntity[]> {
    return this.db.getRepository(ConnectorEntity).find({ order: { id: 'ASC' } });
  }

  findConnector(id: string): Promise<ConnectorEntity | null> {
    return this.db.getRepository(ConnectorEntity).findOneBy({ id });
  }

  versions(connectorId: string): Promise<ConnectorVersionEntity[]> {
    return this.db
      .getRepository(ConnectorVersionEntity)
      .find({ where: { connectorId }, order: { createdAt: 'ASC' } });
  }

  findVersion(connectorId: string, version: string): Promise<ConnectorVersionEntity | null> {
    return this.db.getRepository(ConnectorVersionEntity).findOneBy({ connectorId, version });
  }

  async saveVersion(
    connector: ConnectorEntity,
    version: ConnectorVersionEntity,
    manager: EntityManager,
  ): Promise<void> {
    const existing = await manager.findOneBy(ConnectorEntity, { id: connector.id });
    if (existing) {
      await manager.update(
        ConnectorEntity,
        { id: connector.id },
        {
          name: connector.name,
          description: connector.description,
          latestVersion: connector.latestVersion,
          updatedAt: connector.updatedAt,
        },
      );
    } else {
      await manager.insert(ConnectorEntity, connector);
    }
    await manager.insert(ConnectorVersionEntity, row(version));
  }

  async setDeprecation(
    id: string,
    deprecation: { message: string; sunset?: string },
  ): Promise<void> {
    await this.db.getRepository(ConnectorVersionEntity).update({ id }, { deprecation });
  }

  consumerContracts(connectorId: string): Promise<ContractEntity[]> {
    return this.db
      .getRepository(ContractEntity)
      .find({ where: { connectorId }, order: { createdAt: 'ASC' } });
  }

  async upsertContract(contract: ContractEntity, manager: EntityManager): Promise<void> {
    await manager.delete(ContractEntity, {
      connectorId: contract.connectorId,
      consumer: contract.consumer,
      name: contract.name,
    });
    await manager.insert(ContractEntity, row(contract));
  }
}
