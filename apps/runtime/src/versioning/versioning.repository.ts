import { Inject, Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { ConnectorVersionEntity } from '../catalog/connector-version.entity.js';
import { row } from '../database/columns.js';
import { EventEntity } from '../execution/event.entity.js';
import { InstallationEntity } from '../installations/installation.entity.js';
import { RolloutEntity, RolloutMoveEntity, RolloutPolicyEntity } from './rollout.entity.js';

/** Roll-out state, plus the reads of installations, versions and events the versioning rules need. */
@Injectable()
export class VersioningRepository {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  findPolicy(connectorId: string): Promise<RolloutPolicyEntity | null> {
    return this.db.getRepository(RolloutPolicyEntity).findOneBy({ connectorId });
  }

  async savePolicy(policy: RolloutPolicyEntity, manager: EntityManager): Promise<void> {
    await manager.delete(RolloutPolicyEntity, { connectorId: policy.connectorId });
    await manager.insert(RolloutPolicyEntity, row(policy));
  }

  findRollout(id: string): Promise<RolloutEntity | null> {
    return this.db.getRepository(RolloutEntity).findOneBy({ id });
  }

  rolloutsOf(connectorId: string): Promise<RolloutEntity[]> {
    return this.db
      .getRepository(RolloutEntity)
      .find({ where: { connectorId }, order: { createdAt: 'ASC' } });
  }

  async insertRollout(rollout: RolloutEntity, manager: EntityManager): Promise<void> {
    await manager.insert(RolloutEntity, row(rollout));
  }

  async updateRollout(
    id: string,
    change: Partial<Pick<RolloutEntity, 'percent' | 'state' | 'updatedAt'>>,
    manager: EntityManager,
  ): Promise<void> {
    await manager.update(RolloutEntity, { id }, change);
  }

  movesOf(rolloutId: string): Promise<RolloutMoveEntity[]> {
    return this.db
      .getRepository(RolloutMoveEntity)
      .find({ where: { rolloutId }, order: { createdAt: 'ASC' } });
  }

  async insertMove(move: RolloutMoveEntity, manager: EntityManager): Promise<void> {
    await manager.insert(RolloutMoveEntity, row(move));
  }

  async markReverted(ids: string[], at: number, manager: EntityManager): Promise<void> {
    if (ids.length === 0) return;
    await manager.update(RolloutMoveEntity, { id: In(ids) }, { revertedAt: at });
  }

  installationsOf(connectorId: string): Promise<InstallationEntity[]> {
    return this.db
      .getRepository(InstallationEntity)
      .find({ where: { connectorId }, order: { createdAt: 'ASC' } });
  }

  findInstallation(id: string): Promise<InstallationEntity | null> {
    return this.db.getRepository(InstallationEntity).findOneBy({ id });
  }

  /**
   * Moves an installation only if it is still on `from`, so a concurrent upgrade is never
   * overwritten; answers whether it moved.
   */
  async moveInstallation(
    id: string,
    from: string,
    to: string,
    manager: EntityManager,
  ): Promise<boolean> {
    const result = await manager.update(
      InstallationEntity,
      { id, version: from },
      { version: to, updatedAt: Date.now() },
    );
    return (result.affected ?? 0) > 0;
  }

  versions(connectorId: string): Promise<ConnectorVersionEntity[]> {
    return this.db
      .getRepository(ConnectorVersionEntity)
      .find({ where: { connectorId }, order: { createdAt: 'ASC' } });
  }

  /** The installation's newest events (at most `limit`), or the named ones of it. */
  async recentEvents(installationId: string, ids: string[] | undefined, limit: number) {
    const repository = this.db.getRepository(EventEntity);
    if (ids && ids.length > 0) return repository.findBy({ installationId, id: In(ids) });
    return repository.find({ where: { installationId }, order: { id: 'DESC' }, take: limit });
  }
}
